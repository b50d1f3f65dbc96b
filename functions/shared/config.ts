/**
 * The functions' configuration: every environment variable a Lambda reads, parsed by zod once,
 * typed. Each setting is read lazily on first use, so a function only needs the variables it uses,
 * and a function that uses a missing or malformed one fails loudly at init, naming the variable
 * (never echoing its value). Defaults are the ones that run on the local stack.
 */
import * as z from '#events/zod.ts';

interface Setting<T> {
  variable: string;
  schema: z.ZodMiniType<T, unknown>;
}

function setting<T>(variable: string, schema: z.ZodMiniType<T, unknown>): Setting<T> {
  return { variable, schema };
}

const name = z.string().check(z.minLength(1));
const positiveInt = z.coerce.number().check(z.int(), z.positive());

const SETTINGS = {
  connectionsTable: setting('CONNECTIONS_TABLE', name),
  sessionsTable: setting('SESSIONS_TABLE', name),
  conversationsTable: setting('CONVERSATIONS_TABLE', name),
  messagesTable: setting('MESSAGES_TABLE', name),
  idempotencyTable: setting('IDEMPOTENCY_TABLE', name),
  /** Tickets and the claims on their numbers (functions/domain/tickets.ts). */
  ticketsTable: setting('TICKETS_TABLE', name),
  botQueueUrl: setting('BOT_QUEUE_URL', z.url()),
  /** The escalation FIFO queue the operators' side consumes (events/escalation.ts). */
  escalationQueueUrl: setting('ESCALATION_QUEUE_URL', z.url()),
  /** The `@connections` API: `https://{apiId}.execute-api.{region}.{urlSuffix}/{stage}`. */
  wsConnectionsEndpoint: setting('WS_CONNECTIONS_ENDPOINT', z.url()),
  knowledgeBaseDir: setting('KNOWLEDGE_BASE_DIR', name),
  /**
   * Long message bodies written compressed (functions/adapters/dynamodb/message-body.ts); `off` only
   * while a release that cannot read them may still run (docs/deploy.md). Reading takes both forms.
   */
  compressMessageBodies: setting(
    'MESSAGE_BODY_COMPRESSION',
    z.pipe(
      z._default(z.enum(['on', 'off']), 'on'),
      z.transform((value) => value === 'on'),
    ),
  ),
  /** MFC visits: bookings, places per slot, quotas, reminders due (functions/adapters/dynamodb/visit-repository.ts). */
  visitsTable: setting('VISITS_TABLE', name),
  /** How long before a visit its reminder goes out: a day; shorter in tests. */
  visitReminderLeadSeconds: setting('VISIT_REMINDER_LEAD_SECONDS', z._default(positiveInt, 24 * 60 * 60)),
  /**
   * The portal's registry of applications (HTTPS; docs/architecture.md, "The portal's registry").
   * Unset: the sample dataset below, or none (the bot's own answer stands).
   */
  portalRegistryUrl: setting('PORTAL_REGISTRY_URL', z.optional(z.url().check(z.startsWith('https://')))),
  portalRegistryTimeoutMs: setting('PORTAL_REGISTRY_TIMEOUT_MS', z._default(positiveInt, 2000)),
  /** The registry's service token: the raw value (local), or else the secret holding it (AWS). */
  portalRegistryToken: setting('PORTAL_REGISTRY_TOKEN', z.optional(z.string().check(z.minLength(1)))),
  portalRegistryTokenSecretId: setting('PORTAL_REGISTRY_TOKEN_SECRET_ID', z.optional(name)),
  /** How long a guest's question about their applications waits to be answered once they identify. */
  pendingQuestionTtlSeconds: setting('PENDING_QUESTION_TTL_SECONDS', z._default(positiveInt, 30 * 60)),
  /** The local stack's sample applications (local/portal-registry/applications.json). */
  portalRegistrySampleFile: setting('PORTAL_REGISTRY_SAMPLE_FILE', z.optional(name)),
  /** The MFC directory (offices.json, services.json) in the knowledge-base layer. */
  mfcDirectoryDir: setting('MFC_DIRECTORY_DIR', name),
  /**
   * Where the web pages are served (the Web stack's origin): the bot links a service's printable
   * checklist there (`/mfc/checklist/{service}.{lang}.html`). Unset: the list is in the chat only.
   */
  checklistPagesUrl: setting('CHECKLIST_PAGES_URL', z.optional(z.url())),
  // Retention, one period per kind of data (docs/architecture.md, "Retention"): the TTL written on
  // each item; the buckets' lifecycle rules are set from the same stage settings (infra/stage.ts).
  /** Messages, conversations, internal notes, SLA records. */
  messageRetentionDays: setting('MESSAGE_RETENTION_DAYS', z._default(positiveInt, 365)),
  /** Tickets, from their last change. */
  ticketRetentionDays: setting('TICKET_RETENTION_DAYS', z._default(positiveInt, 365 * 3)),
  /** Attachments' items (their bytes: the attachments bucket's lifecycle, the same period). */
  attachmentRetentionDays: setting('ATTACHMENT_RETENTION_DAYS', z._default(positiveInt, 365)),
  /** Access-journal entries. */
  journalRetentionDays: setting('JOURNAL_RETENTION_DAYS', z._default(positiveInt, 365 * 3)),
  /** TTL of MFC visits, from the visit's time (functions/adapters/dynamodb/visit-repository.ts). */
  visitRetentionDays: setting('VISIT_RETENTION_DAYS', z._default(positiveInt, 365)),
  /** The access journal: who of the staff read which citizen's data, exports and erasures. */
  accessJournalTable: setting('ACCESS_JOURNAL_TABLE', name),
  /** The audit bucket exports are written to (Object Lock in AWS). */
  auditBucket: setting('AUDIT_BUCKET', name),
  /** Deadline of one PostToConnection: the SDK call is known to hang past its own timeouts. */
  postTimeoutMs: setting('POST_TIMEOUT_MS', z._default(positiveInt, 3000)),
  /** Lifetime of a resume token from its issue; every hello issues a fresh one (sliding). */
  resumeTokenTtlSeconds: setting('RESUME_TOKEN_TTL_SECONDS', z._default(positiveInt, 24 * 60 * 60)),
  /** How long the token a connection resumed with stays valid after that connection's hello. */
  resumeTokenGraceSeconds: setting('RESUME_TOKEN_GRACE_SECONDS', z._default(positiveInt, 5 * 60)),
  // Assignment (docs/architecture.md, "Assignment"): operators, their queues and the timer queue.
  operatorsTable: setting('OPERATORS_TABLE', name),
  /** Timers (SLA, operator grace) and "capacity appeared" signals for the assignment. */
  timerQueueUrl: setting('TIMER_QUEUE_URL', z.url()),
  operatorQueueUrlAuth: setting('OPERATOR_QUEUE_URL_AUTH', z.url()),
  operatorQueueUrlApplications: setting('OPERATOR_QUEUE_URL_APPLICATIONS', z.url()),
  operatorQueueUrlDocuments: setting('OPERATOR_QUEUE_URL_DOCUMENTS', z.url()),
  operatorQueueUrlLegal: setting('OPERATOR_QUEUE_URL_LEGAL', z.url()),
  operatorQueueUrlMfc: setting('OPERATOR_QUEUE_URL_MFC', z.url()),
  operatorQueueUrlGeneral: setting('OPERATOR_QUEUE_URL_GENERAL', z.url()),
  operatorQueueUrlSenior: setting('OPERATOR_QUEUE_URL_SENIOR', z.url()),
  /**
   * A stay in a category queue not taken within this is an SLA breach: offered to seniors first,
   * and still at the head of its queue for first-line operators (docs/requirements.md#sla).
   */
  slaAssignSeconds: setting('SLA_ASSIGN_SECONDS', z._default(positiveInt, 120)),
  /** The SLA records (breaches, assignments) and the hourly reports, by clock hour. */
  slaTable: setting('SLA_TABLE', name),
  /** The on-call SNS topic (the Monitoring stack's): the SLA report below 100 % is published there. */
  onCallTopicArn: setting('ON_CALL_TOPIC_ARN', name),
  /** Where on-call reads what to do with an SLA report below 100 % (docs/runbooks.md). */
  slaReportRunbookUrl: setting(
    'SLA_REPORT_RUNBOOK_URL',
    z._default(name, 'docs/runbooks.md#sla-report-below-target'),
  ),
  /** Chats an operator holds at once unless they ask for another number (`operator.status`). */
  operatorMaxChats: setting('OPERATOR_MAX_CHATS', z._default(positiveInt.check(z.lte(20)), 3)),
  /** How long a disconnected operator keeps their conversations before they go back to the queue. */
  operatorGraceSeconds: setting('OPERATOR_GRACE_SECONDS', z._default(positiveInt, 60)),
  /** An operator is available only while their presence lease runs: renewed by any frame they send (heartbeats every ≤ 20 s). */
  presenceLeaseSeconds: setting('PRESENCE_LEASE_SECONDS', z._default(positiveInt, 45)),
  /** How long an operator has to answer `conversation.assigned` with `conversation.accept`. */
  acceptSeconds: setting('ACCEPT_SECONDS', z._default(positiveInt, 20)),
  /** An accepted conversation without an operator reply within this counts as a missed first reply. */
  firstReplySeconds: setting('FIRST_REPLY_SECONDS', z._default(positiveInt, 60)),
  /** The average time an operator spends on a conversation: the basis of the citizen's ETA. */
  averageHandleSeconds: setting('AVERAGE_HANDLE_SECONDS', z._default(positiveInt, 600)),
  /** How long an assigning function holds a received queue message: an assigning function that died gives it back after this. */
  assignmentVisibilitySeconds: setting(
    'ASSIGNMENT_VISIBILITY_SECONDS',
    z._default(positiveInt.check(z.lte(300)), 30),
  ),
  /** How many waiting citizens of a queue are told their new position when it moves (bounded work). */
  queuePositionUpdates: setting('QUEUE_POSITION_UPDATES', z._default(positiveInt.check(z.lte(100)), 20)),
  /** The line tick's period: `queue.stats` and places in line go out at most once per this many seconds. */
  lineTickSeconds: setting('LINE_TICK_SECONDS', z._default(positiveInt.check(z.lte(60)), 5)),
  /** How late a follow-up or a timer must be before the reconciler does its work (docs/architecture.md, "The reconciler"). */
  reconcileAfterSeconds: setting('RECONCILE_AFTER_SECONDS', z._default(positiveInt, 15)),
  // Identification (docs/architecture.md, "Identification"). Keys: the raw key from the environment
  // (local stack) wins; else the Secrets Manager secret the stack created (AWS). Never logged.
  verificationCodesTable: setting('VERIFICATION_CODES_TABLE', name),
  /** Citizen ids (HMAC). */
  authHmacKey: setting('AUTH_HMAC_KEY', z.optional(z.string().check(z.minLength(32)))),
  authHmacSecretId: setting('AUTH_HMAC_SECRET_ID', z.optional(name)),
  /** Destination keys and code hashes (HMAC): not given to the portal's public form. */
  authCodeKey: setting('AUTH_CODE_KEY', z.optional(z.string().check(z.minLength(32)))),
  authCodeSecretId: setting('AUTH_CODE_SECRET_ID', z.optional(name)),
  /** Paging cursors of `ticket.list` and `history.get` (HMAC): a key of their own. */
  cursorKey: setting('CURSOR_KEY', z.optional(z.string().check(z.minLength(32)))),
  cursorSecretId: setting('CURSOR_SECRET_ID', z.optional(name)),
  resumeTokenSigningKey: setting('RESUME_TOKEN_SIGNING_KEY', z.optional(z.string().check(z.minLength(32)))),
  resumeTokenSecretId: setting('RESUME_TOKEN_SECRET_ID', z.optional(name)),
  /** How long a one-time code is valid. */
  authCodeTtlSeconds: setting('AUTH_CODE_TTL_SECONDS', z._default(positiveInt, 5 * 60)),
  /** At most one code per destination per this many seconds. */
  authResendIntervalSeconds: setting('AUTH_RESEND_INTERVAL_SECONDS', z._default(positiveInt, 60)),
  /** At most this many codes per destination per rate window. */
  authMaxCodesPerHour: setting('AUTH_MAX_CODES_PER_HOUR', z._default(positiveInt, 5)),
  /** The rate window of the code counters (of a destination and of a session). */
  authRateWindowSeconds: setting('AUTH_RATE_WINDOW_SECONDS', z._default(positiveInt, 60 * 60)),
  /** At most one code per session per this many seconds, whatever the destination. */
  authSessionIntervalSeconds: setting('AUTH_SESSION_INTERVAL_SECONDS', z._default(positiveInt, 10)),
  /** At most this many codes per session per rate window, whatever the destinations. */
  authMaxCodesPerSession: setting('AUTH_MAX_CODES_PER_SESSION', z._default(positiveInt, 5)),
  /** Wrong codes in a row that lock a destination. */
  authMaxAttempts: setting('AUTH_MAX_ATTEMPTS', z._default(positiveInt, 3)),
  /** How long a destination stays locked after `AUTH_MAX_ATTEMPTS` wrong codes. */
  authLockSeconds: setting('AUTH_LOCK_SECONDS', z._default(positiveInt, 15 * 60)),
  /** Sender of the one-time codes by e-mail (an SES identity of the account). */
  authEmailFrom: setting('AUTH_EMAIL_FROM', z._default(z.email(), 'no-reply@gosuslugi.example')),
  /** Sender id of SMS where the destination country allows one (`AWS.SNS.SMS.SenderID`); unset: SNS's default. */
  smsSenderId: setting(
    'SMS_SENDER_ID',
    z.optional(z.string().check(z.regex(/^(?=.*[A-Za-z])[A-Za-z0-9]{1,11}$/))),
  ),
  /** Set by the local stack only: SMS, e-mail and push are recorded there instead of sent. */
  localOutboxUrl: setting('LOCAL_OUTBOX_URL', z.optional(z.url())),
  // Operators' sign-in (docs/architecture.md, "Access"): the pool whose ID tokens the authorizer accepts.
  // Its shape (`<region>_<id>`) is checked by aws-jwt-verify when the verifier is created, at init.
  cognitoUserPoolId: setting('COGNITO_USER_POOL_ID', name),
  /** The operator console's app client: the only `aud` accepted. */
  cognitoClientId: setting('COGNITO_CLIENT_ID', name),
  /**
   * Set by the local stack only: where the pool's JWKS is fetched from (the local Cognito), instead
   * of `https://cognito-idp.<region>.amazonaws.com/<pool>/.well-known/jwks.json`.
   */
  cognitoJwksUrl: setting('COGNITO_JWKS_URL', z.optional(z.url())),
  /**
   * How long a function instance reuses the pool's answer on a staff caller (enabled, groups, name):
   * a removal, disablement or demotion takes effect at the first frame after it (docs/architecture.md, "Access").
   */
  staffRecheckSeconds: setting('STAFF_RECHECK_SECONDS', z._default(positiveInt.check(z.lte(300)), 30)),
  /**
   * The origins of the pages that may open the WebSocket from a browser, comma-separated: the
   * portal's and the console's in AWS (context `portalOrigins` and `webOrigin`), the stack's own
   * pages locally. Unset or empty: no browser page may connect; clients without `Origin` still can.
   */
  allowedOrigins: setting(
    'ALLOWED_ORIGINS',
    z.pipe(
      z.pipe(
        z._default(z.string(), ''),
        z.transform((list) =>
          list
            .split(',')
            .map((o) => o.trim())
            .filter(Boolean),
        ),
      ),
      z.array(z.url().check(z.regex(/^https?:\/\/[^/]+$/))),
    ),
  ),
  // Per-client limits (docs/protocol.md, "Limits per client"): the most per window of each scope.
  /** The shared counters of the limits (one item per key and window, TTL). */
  limitsTable: setting('LIMITS_TABLE', name),
  /** Connects per source address per minute (the `$connect` authorizer refuses more: HTTP 403). */
  limitConnectsPerIp: setting('LIMIT_CONNECTS_PER_IP', z._default(positiveInt, 60)),
  /** Connects of one session (resume token, operator) per minute. */
  limitConnectsPerSession: setting('LIMIT_CONNECTS_PER_SESSION', z._default(positiveInt, 20)),
  /** Frames per connection per minute. */
  limitFramesPerConnection: setting('LIMIT_FRAMES_PER_CONNECTION', z._default(positiveInt, 120)),
  /** Frames per session (all its connections) per minute. */
  limitFramesPerSession: setting('LIMIT_FRAMES_PER_SESSION', z._default(positiveInt, 240)),
  /** Frames per source address per minute, counted in memory by each function instance. */
  limitFramesPerIp: setting('LIMIT_FRAMES_PER_IP', z._default(positiveInt, 1200)),
  /** `operator.request` per session per hour. */
  limitOperatorRequestsPerSession: setting(
    'LIMIT_OPERATOR_REQUESTS_PER_SESSION',
    z._default(positiveInt, 10),
  ),
  /** `operator.request` per source address per hour. */
  limitOperatorRequestsPerIp: setting('LIMIT_OPERATOR_REQUESTS_PER_IP', z._default(positiveInt, 30)),
  /** `auth.requestCode` per source address per hour (per session and destination: the `AUTH_*` limits). */
  limitCodeRequestsPerIp: setting('LIMIT_CODE_REQUESTS_PER_IP', z._default(positiveInt, 30)),
  /** `POST /feedback` per source address per hour. */
  limitFormPostsPerIp: setting('LIMIT_FORM_POSTS_PER_IP', z._default(positiveInt, 10)),
  /** `POST /feedback` per contact (phone or mailbox) per day. */
  limitFormPostsPerContact: setting('LIMIT_FORM_POSTS_PER_CONTACT', z._default(positiveInt, 3)),
  // The operator's desk and offline notifications (docs/architecture.md, "The desk").
  /** Internal notes of conversations (`operator.note`, transfers): never shown to citizens. */
  notesTable: setting('NOTES_TABLE', name),
  /** Citizens' push devices (SNS platform endpoints) by citizen or session. */
  pushDevicesTable: setting('PUSH_DEVICES_TABLE', name),
  /** SNS platform application of FCM (Android); unset: `push.register` refuses `fcm` (AWS only). */
  pushFcmApplicationArn: setting('PUSH_FCM_APPLICATION_ARN', z.optional(name)),
  /** SNS platform application of APNs (iOS); unset: `push.register` refuses `apns` (AWS only). */
  pushApnsApplicationArn: setting('PUSH_APNS_APPLICATION_ARN', z.optional(name)),
  /** How long a registered device is kept after its last `push.register`. */
  pushDeviceRetentionDays: setting('PUSH_DEVICE_RETENTION_DAYS', z._default(positiveInt, 180)),
  /** The canned answers' folder (`/opt/canned` from the knowledge-base layer). */
  cannedAnswersDir: setting('CANNED_ANSWERS_DIR', name),
  /** Attachments (pending → ready/rejected) by attachmentId. */
  attachmentsTable: setting('ATTACHMENTS_TABLE', name),
  /** The private bucket citizens upload attachments to. */
  attachmentsBucket: setting('ATTACHMENTS_BUCKET', name),
  /** How long the presigned POST of `attachment.create` is valid. */
  attachmentUploadSeconds: setting(
    'ATTACHMENT_UPLOAD_SECONDS',
    z._default(positiveInt.check(z.lte(3600)), 300),
  ),
  /** How long the presigned GET of `attachment.url` is valid: at most 5 minutes. */
  attachmentDownloadSeconds: setting(
    'ATTACHMENT_DOWNLOAD_SECONDS',
    z._default(positiveInt.check(z.lte(300)), 300),
  ),
  /** At most this many `attachment.create` per conversation and clock hour. */
  attachmentUploadsPerHour: setting(
    'ATTACHMENT_UPLOADS_PER_HOUR',
    z._default(positiveInt.check(z.lte(100)), 5),
  ),
  /** The malware scan: GuardDuty's tag in AWS (the template says so); the EICAR scanner locally. */
  attachmentScanner: setting(
    'ATTACHMENT_SCANNER',
    z._default(z.enum(['guardduty', 'local-eicar']), 'local-eicar'),
  ),
  /**
   * Set by the local stack only: where browsers post uploads, its policy-checking endpoint in front
   * of the emulator (local/s3-uploads.ts); also makes the S3 client path-style, as the emulator needs.
   */
  attachmentUploadEndpoint: setting('ATTACHMENT_UPLOAD_ENDPOINT', z.optional(z.url())),
  /** At most one `typing` relayed per conversation and side per this many milliseconds. */
  typingRelayIntervalMs: setting('TYPING_RELAY_INTERVAL_MS', z._default(positiveInt, 2000)),
};

type Settings = typeof SETTINGS;
export type Config = { readonly [K in keyof Settings]: Settings[K] extends Setting<infer T> ? T : never };

export class ConfigError extends Error {
  constructor(variable: string, problem: string) {
    super(`Environment variable ${variable}: ${problem}`);
    this.name = 'ConfigError';
  }
}

/** Builds a config over `env` whose properties parse their variable on first read, then remember it. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = new Map<string, unknown>();
  const config = {};
  for (const [key, { variable, schema }] of Object.entries(SETTINGS) as [string, Setting<unknown>][]) {
    Object.defineProperty(config, key, {
      enumerable: true,
      get() {
        if (!parsed.has(key)) parsed.set(key, parseVariable(variable, schema, env[variable]));
        return parsed.get(key);
      },
    });
  }
  return config as Config;
}

function parseVariable(
  variable: string,
  schema: z.ZodMiniType<unknown, unknown>,
  raw: string | undefined,
): unknown {
  // An empty variable is an unset one: the default applies, or it is reported missing.
  const result = schema.safeParse(raw === '' ? undefined : raw);
  if (result.success) return result.data;
  throw new ConfigError(variable, raw === undefined || raw === '' ? 'missing' : 'malformed');
}

export const config: Config = readConfig();
