/**
 * Reads the app's configuration from CDK context (`cdk.json` or `cdk deploy -c key=value`), parsed
 * once: values given on the command line arrive as strings and are coerced here. `stage` picks the
 * defaults (infra/stage.ts); any other key given overrides its stage default.
 */
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';
import * as z from 'zod';
import { INDEX_UPGRADE } from './constructs/data.ts';
import { STAGE_DEFAULTS, STAGES } from './stage.ts';
import type { SupportChatConfig } from './support-chat.ts';

const retentionDays = new Set<number>(Object.values(RetentionDays).filter((v) => typeof v === 'number'));

const positiveInt = z.coerce.number().int().positive();

/** The per-client limits a stage may set (docs/protocol.md, "Limits per client"); each becomes `LIMIT_<NAME>`. */
const clientLimitsSchema = z
  .object({
    connectsPerIp: positiveInt,
    connectsPerSession: positiveInt,
    framesPerConnection: positiveInt,
    framesPerSession: positiveInt,
    framesPerIp: positiveInt,
    operatorRequestsPerSession: positiveInt,
    operatorRequestsPerIp: positiveInt,
    codeRequestsPerIp: positiveInt,
    formPostsPerIp: positiveInt,
    formPostsPerContact: positiveInt,
  })
  .partial()
  .strict();

/** The context keys the app understands; all optional. */
const contextSchema = z.object({
  stage: z.enum(STAGES).default('dev'),
  stageName: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .optional(),
  logRetentionDays: z.coerce
    .number()
    .refine(
      (days) => retentionDays.has(days),
      'must be one of CloudWatch Logs retention values (e.g. 30, 90, 365)',
    )
    .optional(),
  logLevel: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']).optional(),
  messageRetentionDays: positiveInt.optional(),
  ticketRetentionDays: positiveInt.optional(),
  attachmentRetentionDays: positiveInt.optional(),
  journalRetentionDays: positiveInt.optional(),
  visitRetentionDays: positiveInt.optional(),
  auditExportRetentionDays: positiveInt.optional(),
  postTimeoutMs: positiveInt.optional(),
  alarmEmail: z.email().optional(),
  authEmailFrom: z.email().optional(),
  throttlingRateLimit: positiveInt.optional(),
  throttlingBurstLimit: positiveInt.optional(),
  slaAssignSeconds: positiveInt.optional(),
  // EventBridge Scheduler's rate: whole minutes, 1 minute to a day.
  slaReportRateMinutes: positiveInt.max(1440).optional(),
  // How often the reconciler of the waiting line runs (EventBridge Scheduler: whole minutes).
  reconcileMinutes: positiveInt.optional(),
  // SNS: 1-11 characters, letters and digits, at least one letter.
  smsSenderId: z
    .string()
    .regex(/^(?=.*[A-Za-z])[A-Za-z0-9]{1,11}$/, '1-11 letters or digits, at least one letter')
    .optional(),
  runbookUrl: z.string().min(1).optional(),
  // `-c portalOrigins=https://a.example,https://b.example` or a JSON array in cdk.json.
  portalOrigins: z
    .union([z.array(z.url()), z.string().transform((list) => list.split(',').map((o) => o.trim()))])
    .pipe(z.array(z.url().regex(/^https?:\/\/[^/]+$/, 'an origin: scheme and host, no path')))
    .optional(),
  // The Web stack's origin (its WebUrl output, or a custom domain): the console's pages connect from it.
  webOrigin: z
    .url()
    .regex(/^https?:\/\/[^/]+$/, 'an origin: scheme and host, no path')
    .optional(),
  // The portal's registry of applications (docs/architecture.md, "The portal's registry of applications").
  portalRegistryUrl: z.url().startsWith('https://').optional(),
  // The secret holding the registry's token, when the portal team keeps it (else the stack creates one).
  portalRegistryTokenSecretArn: z.string().startsWith('arn:aws:secretsmanager:').optional(),
  // `-c clientLimits='{"connectsPerIp":120}'` or an object in cdk.json: the limits to change.
  clientLimits: z
    .union([clientLimitsSchema, z.string().transform((json) => JSON.parse(json) as unknown)])
    .pipe(clientLimitsSchema)
    .optional(),
  feedbackRateLimit: positiveInt.optional(),
  feedbackBurstLimit: positiveInt.optional(),
  pushFcmApplicationArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:app\/GCM\/.+$/, 'an SNS platform application ARN (GCM)')
    .optional(),
  pushApnsApplicationArn: z
    .string()
    .regex(
      /^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:app\/APNS(_SANDBOX)?\/.+$/,
      'an SNS platform application ARN (APNS)',
    )
    .optional(),
  // `-c configureApiGatewayAccountLogsRole=false` arrives as a string, cdk.json as a boolean.
  configureApiGatewayAccountLogsRole: z.union([z.boolean(), z.stringbool()]).optional(),
  // Long message bodies stored compressed (docs/deploy.md, "Compressed message bodies"): false only
  // for the first deploy over a release that cannot read them.
  compressMessageBodies: z.union([z.boolean(), z.stringbool()]).optional(),
  // The step of the staged upgrade of the tables' indexes (docs/deploy.md, "Upgrade"); 0 is the last release's.
  dataIndexStep: z.coerce.number().int().min(0).max(INDEX_UPGRADE.steps.length).optional(),
});

/** The whole configuration of one stage from the context of `node` (usually the app's). Throws on an invalid value. */
export function configFromContext(node: Node): SupportChatConfig {
  const raw = Object.fromEntries(
    Object.keys(contextSchema.shape).map((key) => [key, node.tryGetContext(key)]),
  );
  const context = contextSchema.parse(raw);
  const defaults = STAGE_DEFAULTS[context.stage];
  if (defaults.requireAlarmEmail && !context.alarmEmail) {
    throw new Error(
      `stage ${context.stage} pages on-call: give alarmEmail (-c alarmEmail=oncall@example.org)`,
    );
  }
  return {
    stage: context.stage,
    stageName: context.stageName ?? 'v1',
    logRetention: (context.logRetentionDays as RetentionDays | undefined) ?? defaults.logRetention,
    logLevel: context.logLevel ?? 'INFO',
    messageRetentionDays: context.messageRetentionDays ?? defaults.messageRetentionDays,
    ticketRetentionDays: context.ticketRetentionDays ?? defaults.ticketRetentionDays,
    attachmentRetentionDays: context.attachmentRetentionDays ?? defaults.attachmentRetentionDays,
    journalRetentionDays: context.journalRetentionDays ?? defaults.journalRetentionDays,
    visitRetentionDays: context.visitRetentionDays ?? defaults.visitRetentionDays,
    auditExportRetentionDays: context.auditExportRetentionDays ?? defaults.auditExportRetentionDays,
    auditLockMode: defaults.auditLockMode,
    postTimeoutMs: context.postTimeoutMs ?? 3000,
    alarmEmail: context.alarmEmail,
    authEmailFrom: context.authEmailFrom ?? 'no-reply@gosuslugi.example',
    throttlingRateLimit: context.throttlingRateLimit ?? defaults.throttlingRateLimit,
    throttlingBurstLimit: context.throttlingBurstLimit ?? defaults.throttlingBurstLimit,
    slaAssignSeconds: context.slaAssignSeconds ?? defaults.slaAssignSeconds,
    slaReportRateMinutes: context.slaReportRateMinutes ?? 60,
    reconcileMinutes: context.reconcileMinutes ?? 1,
    smsSenderId: context.smsSenderId ?? defaults.smsSenderId,
    retainData: defaults.retainData,
    runbookUrl: context.runbookUrl ?? 'docs/runbooks.md',
    portalOrigins: context.portalOrigins ?? [],
    webOrigin: context.webOrigin,
    portalRegistryUrl: context.portalRegistryUrl,
    portalRegistryTokenSecretArn: context.portalRegistryTokenSecretArn,
    clientLimits: context.clientLimits ?? {},
    feedbackRateLimit: context.feedbackRateLimit ?? defaults.feedbackRateLimit,
    feedbackBurstLimit: context.feedbackBurstLimit ?? defaults.feedbackBurstLimit,
    configureApiGatewayAccountLogsRole: context.configureApiGatewayAccountLogsRole ?? true,
    compressMessageBodies: context.compressMessageBodies ?? true,
    pushFcmApplicationArn: context.pushFcmApplicationArn,
    pushApnsApplicationArn: context.pushApnsApplicationArn,
    dataIndexStep: context.dataIndexStep,
  };
}
