/**
 * Reads the stack's configuration from CDK context (`cdk.json` or `cdk deploy -c key=value`),
 * parsed once: values given on the command line arrive as strings and are coerced here.
 */
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';
import * as z from 'zod';
import type { SupportChatStackProps } from './support-chat-stack.ts';

const retentionDays = new Set<number>(Object.values(RetentionDays).filter((v) => typeof v === 'number'));

const positiveInt = z.coerce.number().int().positive();

/** The context keys the app understands; all optional, the stack has the defaults. */
const contextSchema = z.object({
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
  postTimeoutMs: positiveInt.optional(),
  alarmEmail: z.email().optional(),
  authEmailFrom: z.email().optional(),
  throttlingRateLimit: positiveInt.optional(),
  throttlingBurstLimit: positiveInt.optional(),
  runbookUrl: z.string().min(1).optional(),
  // `-c portalOrigins=https://a.example,https://b.example` or a JSON array in cdk.json.
  portalOrigins: z
    .union([z.array(z.url()), z.string().transform((list) => list.split(',').map((o) => o.trim()))])
    .pipe(z.array(z.url().regex(/^https?:\/\/[^/]+$/, 'an origin: scheme and host, no path')))
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
});

/** Stack props from the context of `node` (usually the app's). Throws on an invalid value. */
export function stackPropsFromContext(node: Node): SupportChatStackProps {
  const raw = Object.fromEntries(
    Object.keys(contextSchema.shape).map((key) => [key, node.tryGetContext(key)]),
  );
  const context = contextSchema.parse(raw);
  return {
    stageName: context.stageName,
    logRetention: context.logRetentionDays as RetentionDays | undefined,
    logLevel: context.logLevel,
    messageRetentionDays: context.messageRetentionDays,
    postTimeoutMs: context.postTimeoutMs,
    alarmEmail: context.alarmEmail,
    authEmailFrom: context.authEmailFrom,
    throttlingRateLimit: context.throttlingRateLimit,
    throttlingBurstLimit: context.throttlingBurstLimit,
    runbookUrl: context.runbookUrl,
    portalOrigins: context.portalOrigins,
    feedbackRateLimit: context.feedbackRateLimit,
    feedbackBurstLimit: context.feedbackBurstLimit,
    configureApiGatewayAccountLogsRole: context.configureApiGatewayAccountLogsRole,
    pushFcmApplicationArn: context.pushFcmApplicationArn,
    pushApnsApplicationArn: context.pushApnsApplicationArn,
  };
}
