import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readConfig } from '../../functions/shared/config.ts';
import { repoPath } from '../../infra/paths.ts';
import { environmentOf, productionApp, resourcesOf, synthesizeApp, type TemplateResource } from './synth.ts';

// Prepare
const { chat, monitoring, template } = productionApp();
const functions = resourcesOf(template, 'AWS::Lambda::Function');
const logGroups = resourcesOf(template, 'AWS::Logs::LogGroup');
const roles = resourcesOf(template, 'AWS::IAM::Role');
const policies = Object.values(resourcesOf(template, 'AWS::IAM::Policy'));
const houseFunctions = [
  ...chat.realtime.functions,
  chat.bot.function,
  chat.outbox.function,
  chat.tickets.portalFeedback,
  ...chat.assignment.functions,
  ...chat.desk.functions,
  chat.attachments.check,
  ...chat.audit.functions,
  chat.visits.reminders,
  monitoring.slaReport.function,
];

interface Statement {
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: string | string[];
  readonly Resource?: unknown;
  readonly NotResource?: unknown;
  readonly Condition?: unknown;
}

/** The role policy statements of a function: what it is allowed (the Deny statements apart). */
function statementsOf(fn: TemplateResource, effect: Statement['Effect'] = 'Allow'): Statement[] {
  const roleId = (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  return policies
    .filter((p) => JSON.stringify(p.Properties.Roles).includes(`"${roleId}"`))
    .flatMap((p) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement)
    .filter((statement) => statement.Effect === effect);
}

/** 'read' / 'write' / 'readWrite' per table logical id, from the DynamoDB actions a function may call. */
function tableAccessOf(fn: TemplateResource): Record<string, string> {
  const access: Record<string, Set<string>> = {};
  for (const statement of statementsOf(fn)) {
    const actions = [statement.Action].flat();
    const resources = JSON.stringify(statement.Resource);
    const tableIds = [...resources.matchAll(/"Fn::GetAtt":\["(Data\w+)","Arn"\]/g)].map(
      (m) => m[1] as string,
    );
    for (const tableId of tableIds) {
      access[tableId] ??= new Set();
      if (actions.includes('dynamodb:GetItem')) access[tableId].add('read');
      if (actions.includes('dynamodb:PutItem')) access[tableId].add('write');
      // The per-client limits' counters: one UpdateItem per counting, nothing else.
      if (actions.includes('dynamodb:UpdateItem') && !actions.includes('dynamodb:PutItem'))
        access[tableId].add('count');
    }
  }
  return Object.fromEntries(
    Object.entries(access).map(([id, kinds]) => [id, kinds.size === 2 ? 'readWrite' : ([...kinds][0] ?? '')]),
  );
}

/** The functions that send SMS (`useNotifier({ sms: true })`), and so may publish to SNS on Resource *. */
/**
 * The functions the platform team invokes with IAM (no route, no trigger), which read whole tables:
 * an audit export of a period, a citizen's erasure (docs/architecture.md, "Audit and personal data").
 */
const PLATFORM_ENTRIES = ['functions/handlers/audit-export.ts', 'functions/handlers/privacy-erase.ts'];

const SMS_SENDERS = [
  'functions/handlers/auth-request-code.ts',
  'functions/handlers/desk-relay.ts',
  'functions/handlers/ticket-notices.ts',
  'functions/handlers/visit-reminders.ts',
];

const functionByEntry = (entry: string): TemplateResource => {
  const fn = Object.values(functions).find((f) => f.Metadata?.['local:entry'] === entry);
  if (!fn) throw new Error(`no function with entry ${entry}`);
  return fn;
};

describe('every Lambda function', () => {
  it('is a house function with the construct id and entry of docs/architecture.md', () => {
    expect(Object.keys(functions)).toHaveLength(houseFunctions.length);
    expect(Object.fromEntries(houseFunctions.map((fn) => [fn.node.id, fn.entry]))).toEqual({
      Authorize: 'functions/handlers/authorize.ts',
      Connect: 'functions/handlers/connect.ts',
      Disconnect: 'functions/handlers/disconnect.ts',
      DefaultRoute: 'functions/handlers/default-route.ts',
      Hello: 'functions/handlers/hello.ts',
      MessageSend: 'functions/handlers/message-send.ts',
      HistoryGet: 'functions/handlers/history-get.ts',
      Suggest: 'functions/handlers/suggest.ts',
      OperatorRequest: 'functions/handlers/operator-request.ts',
      BotWorker: 'functions/handlers/bot-worker.ts',
      BotOutbox: 'functions/handlers/bot-outbox.ts',
      AuthRequestCode: 'functions/handlers/auth-request-code.ts',
      AuthVerifyCode: 'functions/handlers/auth-verify-code.ts',
      SessionEnd: 'functions/handlers/session-end.ts',
      TicketGet: 'functions/handlers/ticket-get.ts',
      TicketList: 'functions/handlers/ticket-list.ts',
      TicketSetStatus: 'functions/handlers/ticket-set-status.ts',
      FeedbackSubmit: 'functions/handlers/feedback-submit.ts',
      PortalFeedback: 'functions/handlers/portal-feedback.ts',
      EscalationConsumer: 'functions/handlers/escalation-consumer.ts',
      TimerConsumer: 'functions/handlers/timer-consumer.ts',
      Reconciler: 'functions/handlers/reconciler.ts',
      OperatorStatus: 'functions/handlers/operator-status.ts',
      OperatorNext: 'functions/handlers/operator-next.ts',
      OperatorHeartbeat: 'functions/handlers/operator-heartbeat.ts',
      ConversationAccept: 'functions/handlers/conversation-accept.ts',
      QueueStats: 'functions/handlers/queue-stats.ts',
      OperatorReply: 'functions/handlers/operator-reply.ts',
      OperatorNote: 'functions/handlers/operator-note.ts',
      OperatorTransfer: 'functions/handlers/operator-transfer.ts',
      CannedList: 'functions/handlers/canned-list.ts',
      Typing: 'functions/handlers/typing.ts',
      PushRegister: 'functions/handlers/push-register.ts',
      DeskRelay: 'functions/handlers/desk-relay.ts',
      TicketNotices: 'functions/handlers/ticket-notices.ts',
      AttachmentCreate: 'functions/handlers/attachment-create.ts',
      AttachmentUrl: 'functions/handlers/attachment-url.ts',
      AttachmentCheck: 'functions/handlers/attachment-check.ts',
      SlaReport: 'functions/handlers/sla-report.ts',
      AuditExport: 'functions/handlers/audit-export.ts',
      PrivacyErase: 'functions/handlers/privacy-erase.ts',
      TranscriptGet: 'functions/handlers/transcript-get.ts',
      MfcVisits: 'functions/handlers/mfc-visits.ts',
      VisitReminders: 'functions/handlers/visit-reminders.ts',
    });
  });

  it.each(Object.entries(functions))('%s runs Node.js 22 on arm64', (_, fn) => {
    expect(fn.Properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'] });
  });

  it('traces with X-Ray the dispatcher only (docs/architecture.md, "Tracing")', () => {
    const traced = Object.values(functions)
      .filter((fn) => (fn.Properties.TracingConfig as { Mode?: string } | undefined)?.Mode === 'Active')
      .map((fn) => fn.Metadata?.['local:entry'])
      .sort();
    expect(traced).toEqual(
      ['escalation-consumer', 'operator-next', 'operator-status', 'reconciler', 'timer-consumer'].map(
        (name) => `functions/handlers/${name}.ts`,
      ),
    );
  });

  it.each(Object.entries(functions))('%s records an existing handler file as local:entry', (_, fn) => {
    const entry = fn.Metadata?.['local:entry'];
    expect(entry).toMatch(/^functions\/handlers\/[a-z-]+\.ts$/);
    expect(existsSync(repoPath(entry as string))).toBe(true);
  });

  it.each(Object.entries(functions))('%s logs to its own log group with a retention', (_, fn) => {
    const logGroupId = (fn.Properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
    expect(logGroups[logGroupId]?.Properties.RetentionInDays).toBe(365);
  });

  it.each(Object.entries(functions))('%s has the house environment', (_, fn) => {
    expect(environmentOf(fn)).toMatchObject({
      NODE_OPTIONS: '--enable-source-maps',
      POWERTOOLS_SERVICE_NAME: 'support-chat',
      POWERTOOLS_METRICS_NAMESPACE: 'SupportChat',
      POWERTOOLS_LOG_LEVEL: 'INFO',
      MESSAGE_RETENTION_DAYS: '365',
      POST_TIMEOUT_MS: '3000',
      SLA_ASSIGN_SECONDS: '120',
    });
  });

  it('has a role of its own without AWS-managed policies', () => {
    for (const fn of Object.values(functions)) {
      const roleId = (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      expect(roles[roleId]?.Properties.ManagedPolicyArns).toBeUndefined();
    }
  });

  it.each(Object.entries(functions))(
    '%s uses Resource * for X-Ray only where traced (and ListStreams if it consumes a stream, sns:Publish if it sends SMS)',
    (_, fn) => {
      // dynamodb:ListStreams has no resource-level permission; the event source mapping needs it.
      const consumesStream = statementsOf(fn).some((statement) =>
        JSON.stringify(statement.Resource).includes('StreamArn'),
      );
      // SNS has no resource for a phone number: publishing an SMS cannot be scoped.
      const sendsSms = SMS_SENDERS.includes(fn.Metadata?.['local:entry'] as string);
      const traced = (fn.Properties.TracingConfig as { Mode?: string } | undefined)?.Mode === 'Active';
      const unscoped = statementsOf(fn).filter((statement) => statement.Resource === '*');
      expect(unscoped.flatMap((statement) => [statement.Action].flat()).sort()).toEqual(
        [
          ...(traced ? ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'] : []),
          ...(consumesStream ? ['dynamodb:ListStreams'] : []),
          ...(sendsSms ? ['sns:Publish'] : []),
        ].sort(),
      );
    },
  );

  it.each(Object.entries(functions))(
    '%s pairs sns:Publish on * (SMS) with a Deny of every topic, application and endpoint it does not push to',
    (_, fn) => {
      const sendsSms = SMS_SENDERS.includes(fn.Metadata?.['local:entry'] as string);
      const pushes = JSON.stringify(statementsOf(fn)).includes(':endpoint/');
      const denied = statementsOf(fn, 'Deny');
      if (!sendsSms) return expect(denied).toEqual([]);
      const anySnsResource = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sns:*:*:*']] };
      expect(denied).toEqual([
        pushes
          ? {
              Effect: 'Deny',
              Action: 'sns:Publish',
              NotResource: expect.objectContaining({}),
              Condition: { Null: { 'aws:ResourceAccount': 'false' } },
            }
          : { Effect: 'Deny', Action: 'sns:Publish', Resource: anySnsResource },
      ]);
      if (pushes) expect(JSON.stringify(denied[0]?.NotResource)).toContain(':endpoint/');
    },
  );

  it.each(Object.entries(functions))(
    "%s may not Scan any table (every read is a key or a Query), unless it is the platform team's export or erasure",
    (_, fn) => {
      const actions = statementsOf(fn).flatMap((statement) => [statement.Action].flat());
      const platform = PLATFORM_ENTRIES.includes(fn.Metadata?.['local:entry'] as string);
      expect(actions.filter((action) => action === 'dynamodb:*')).toEqual([]);
      if (!platform) expect(actions.filter((action) => action === 'dynamodb:Scan')).toEqual([]);
    },
  );

  it.each(Object.entries(functions))('%s has the SMS sender id exactly when it sends SMS', (_, fn) => {
    const sendsSms = SMS_SENDERS.includes(fn.Metadata?.['local:entry'] as string);
    expect(environmentOf(fn).SMS_SENDER_ID).toBe(sendsSms ? 'Gosuslugi' : undefined);
  });

  it.each(Object.entries(functions))('%s may access exactly the tables its environment names', (_, fn) => {
    const named = Object.entries(environmentOf(fn))
      .filter(([name]) => name.endsWith('_TABLE'))
      .map(([, value]) => (value as { Ref: string }).Ref);
    expect(Object.keys(tableAccessOf(fn)).sort()).toEqual(named.sort());
  });
});

/** What every assigning function (functions/adapters/assignment-wiring.ts `assignmentDeps`) reads and writes. */
const ASSIGNING_TABLES = {
  Conversations: 'readWrite',
  Operators: 'readWrite',
  Messages: 'read',
  Connections: 'readWrite',
  Sessions: 'read',
  Tickets: 'readWrite',
  // The conversation's internal notes (the desk's), in `conversation.assigned`.
  Notes: 'read',
  // The line tick's claims and what it last told.
  Idempotency: 'readWrite',
  // The SLA records: each assignment, each breach (docs/requirements.md#sla).
  Sla: 'write',
};

describe('least privilege on the tables', () => {
  const accessWithLimits = (entry: string) =>
    Object.fromEntries(
      Object.entries(tableAccessOf(functionByEntry(entry))).map(([id, access]) => [
        id.replace(/^Data(\w+?)Table[0-9A-F]{8}$/, '$1'),
        access,
      ]),
    );
  // The limits' counters are asserted apart (below): every WebSocket route but suggest, the
  // authorizer and the form count on them.
  const accessByTable = (entry: string) =>
    Object.fromEntries(Object.entries(accessWithLimits(entry)).filter(([table]) => table !== 'Limits'));

  it.each([
    'authorize',
    'hello',
    'message-send',
    'history-get',
    'operator-request',
    'ticket-list',
    'auth-request-code',
    'operator-reply',
    'typing',
    'portal-feedback',
  ])('lets %s only add to the per-client limit counters (UpdateItem on LimitsTable)', (handler) => {
    expect(accessWithLimits(`functions/handlers/${handler}.ts`).Limits).toBe('count');
  });

  it.each(['suggest', 'default-route', 'bot-worker', 'desk-relay'])(
    'gives %s no access to the limit counters (counted in memory, or not a client frame)',
    (handler) => {
      expect(accessWithLimits(`functions/handlers/${handler}.ts`).Limits).toBeUndefined();
    },
  );

  it.each([
    ['authorize', { Sessions: 'read' }],
    ['connect', { Connections: 'write', Sessions: 'write' }],
    // An operator's last connection: the grace timer starts (docs/architecture.md, "Assignment").
    ['disconnect', { Connections: 'readWrite', Operators: 'write' }],
    ['default-route', {}],
    // Operators: every frame staff send renews their presence lease (Realtime.addRoute).
    ['hello', { Sessions: 'readWrite', Conversations: 'read', Operators: 'write' }],
    [
      'message-send',
      {
        Sessions: 'readWrite',
        Conversations: 'readWrite',
        Messages: 'readWrite',
        Idempotency: 'readWrite',
        Attachments: 'read',
        Connections: 'readWrite',
      },
    ],
    // Sessions: the frame middleware resolves a guest who verified on its connection (authorization.ts).
    [
      'history-get',
      {
        Conversations: 'read',
        Messages: 'read',
        Sessions: 'read',
        Operators: 'write',
        AccessJournal: 'write',
      },
    ],
    ['suggest', {}],
    // The stream carries the message: no table read at all (its stream grant is asserted in bot.test.ts).
    ['bot-outbox', { Idempotency: 'read' }],
    [
      'operator-request',
      { Sessions: 'readWrite', Conversations: 'readWrite', Messages: 'readWrite', Connections: 'readWrite' },
    ],
    [
      'bot-worker',
      {
        Connections: 'readWrite',
        // Reads the session; the guest's pending question is remembered on the conversation.
        Sessions: 'read',
        Conversations: 'readWrite',
        Messages: 'readWrite',
        Idempotency: 'readWrite',
        // The citizen's MFC visits, mentioned with their applications.
        Visits: 'read',
      },
    ],
    ['ticket-get', { Tickets: 'read', Sessions: 'read', Operators: 'readWrite', AccessJournal: 'write' }],
    [
      'ticket-list',
      { Tickets: 'read', Sessions: 'read', Operators: 'readWrite', Visits: 'read', AccessJournal: 'write' },
    ],
    [
      'ticket-set-status',
      {
        Tickets: 'readWrite',
        Conversations: 'readWrite',
        Operators: 'readWrite',
        Sessions: 'read',
        Connections: 'readWrite',
      },
    ],
    ['feedback-submit', { Tickets: 'readWrite', Conversations: 'read', Sessions: 'read' }],
    ['portal-feedback', { Tickets: 'readWrite' }],
    [
      'auth-request-code',
      { VerificationCodes: 'readWrite', Sessions: 'readWrite', Idempotency: 'readWrite' },
    ],
    // It closes the session's other connections once it is identified (forgets them first); the
    // portal tickets filed under the proven contact become the citizen's (index byContact).
    [
      'auth-verify-code',
      {
        VerificationCodes: 'readWrite',
        Sessions: 'readWrite',
        // Write: the carry-over; read: the open conversation's pending question.
        Conversations: 'readWrite',
        Connections: 'readWrite',
        Tickets: 'readWrite',
      },
    ],
    // Signing out: the session ended, the devices registered in it forgotten, its connections closed.
    ['session-end', { Sessions: 'write', PushDevices: 'readWrite', Connections: 'readWrite' }],
    ['escalation-consumer', ASSIGNING_TABLES],
    ['timer-consumer', ASSIGNING_TABLES],
    ['operator-status', ASSIGNING_TABLES],
    ['operator-next', ASSIGNING_TABLES],
    ['queue-stats', { Conversations: 'read', Operators: 'write' }],
    // The hourly SLA report (monitoring stack): its records and reports only.
    ['sla-report', { Sla: 'readWrite' }],
    ['operator-heartbeat', { Operators: 'write' }],
    ['conversation-accept', { Conversations: 'readWrite', Connections: 'readWrite', Operators: 'write' }],
    // The desk (docs/architecture.md, "The desk"). push.register needs a verified citizen: the frame
    // middleware reads the session of a guest who verified on its connection.
    [
      'operator-reply',
      {
        Conversations: 'readWrite',
        Messages: 'write',
        Idempotency: 'readWrite',
        Connections: 'readWrite',
        Operators: 'write',
      },
    ],
    ['operator-note', { Conversations: 'read', Notes: 'write', Operators: 'write' }],
    [
      'operator-transfer',
      { Conversations: 'readWrite', Operators: 'readWrite', Notes: 'write', Connections: 'readWrite' },
    ],
    ['canned-list', { Operators: 'write' }],
    ['typing', { Conversations: 'read', Idempotency: 'write', Connections: 'readWrite', Operators: 'write' }],
    ['push-register', { PushDevices: 'write', Sessions: 'read' }],
    [
      'desk-relay',
      {
        Conversations: 'read',
        Sessions: 'read',
        Connections: 'readWrite',
        PushDevices: 'readWrite',
        Idempotency: 'readWrite',
      },
    ],
    [
      'ticket-notices',
      { Sessions: 'read', Connections: 'read', PushDevices: 'readWrite', Idempotency: 'readWrite' },
    ],
    // Attachments (docs/architecture.md, "Attachments").
    [
      'attachment-create',
      { Sessions: 'read', Conversations: 'read', Attachments: 'write', Idempotency: 'write' },
    ],
    [
      'attachment-url',
      {
        Attachments: 'read',
        Conversations: 'read',
        Sessions: 'read',
        Operators: 'write',
        AccessJournal: 'write',
      },
    ],
    ['attachment-check', { Attachments: 'readWrite', Connections: 'readWrite' }],
    // MFC visits: the transactions on VisitsTable, and each change confirmed in the conversation.
    [
      'mfc-visits',
      {
        Visits: 'readWrite',
        Sessions: 'readWrite',
        Conversations: 'readWrite',
        Messages: 'write',
        Idempotency: 'readWrite',
        Connections: 'readWrite',
      },
    ],
  ])('grants %s %o', (handler, expected) => {
    expect(accessByTable(`functions/handlers/${handler}.ts`)).toEqual(expected);
  });

  it('tells every function that may write MessagesTable whether to compress long bodies (on; off by context), and no other', () => {
    // Prepare
    const writesMessages = (fn: TemplateResource) =>
      environmentOf(fn).MESSAGES_TABLE !== undefined &&
      statementsOf(fn).some(
        (s) =>
          JSON.stringify(s.Resource).includes('MessagesTable') &&
          [s.Action].flat().some((a) => /PutItem|TransactWriteItems|UpdateItem|BatchWriteItem/.test(a)),
      );
    const writers = Object.values(functions).filter(writesMessages);
    const off = resourcesOf(
      synthesizeApp({ compressMessageBodies: 'false' }).template,
      'AWS::Lambda::Function',
    );

    // Assess
    expect(writers.map((fn) => fn.Metadata?.['local:entry'])).toEqual(
      expect.arrayContaining(['functions/handlers/message-send.ts', 'functions/handlers/bot-worker.ts']),
    );
    for (const fn of Object.values(functions)) {
      expect(environmentOf(fn).MESSAGE_BODY_COMPRESSION).toBe(writesMessages(fn) ? 'on' : undefined);
    }
    expect(Object.values(off).filter(writesMessages)).toHaveLength(writers.length);
    for (const fn of Object.values(off).filter(writesMessages)) {
      expect(environmentOf(fn).MESSAGE_BODY_COMPRESSION).toBe('off');
    }
  });

  it('gives suggest only its own logs: no DynamoDB, SQS, @connections or X-Ray (it computes in memory)', () => {
    // Act
    const services = statementsOf(functionByEntry('functions/handlers/suggest.ts')).flatMap((s) =>
      [s.Action].flat().map((action) => action.split(':')[0]),
    );

    // Assess
    expect([...new Set(services)].sort()).toEqual(['logs']);
  });

  it('lets only message-send, the outbox dispatcher and auth-verify-code (a guest’s pending question) put jobs on the bot queue, with its URL in BOT_QUEUE_URL', () => {
    const senders = Object.values(functions).filter((fn) =>
      statementsOf(fn).some(
        (s) =>
          [s.Action].flat().includes('sqs:SendMessage') &&
          JSON.stringify(s.Resource).includes('BotQueuesBotQueue'),
      ),
    );
    expect(senders.map((fn) => fn.Metadata?.['local:entry']).sort()).toEqual([
      'functions/handlers/auth-verify-code.ts',
      'functions/handlers/bot-outbox.ts',
      'functions/handlers/message-send.ts',
    ]);
    for (const sender of senders) expect(environmentOf(sender).BOT_QUEUE_URL).toBeDefined();
  });
});

describe('the knowledge base', () => {
  const readers = Object.values(functions).filter((fn) => environmentOf(fn).KNOWLEDGE_BASE_DIR !== undefined);

  it('is read by the bot worker, message.send, suggest and operator.request, from /opt/kb of one shared layer', () => {
    // Prepare
    const [layerId] = Object.keys(resourcesOf(template, 'AWS::Lambda::LayerVersion'));

    // Assess
    expect(readers.map((fn) => fn.Metadata?.['local:entry']).sort()).toEqual([
      'functions/handlers/bot-worker.ts',
      'functions/handlers/message-send.ts',
      'functions/handlers/operator-request.ts',
      'functions/handlers/suggest.ts',
    ]);
    expect(Object.keys(resourcesOf(template, 'AWS::Lambda::LayerVersion'))).toHaveLength(1);
    for (const fn of readers) {
      expect(fn.Properties.Layers).toEqual([{ Ref: layerId }]);
      expect(environmentOf(fn).KNOWLEDGE_BASE_DIR).toBe('/opt/kb');
    }
  });
});

describe('the environment each handler reads', () => {
  /** The template's environment as Lambda would see it: intrinsics resolve to some URL-shaped string. */
  const deployedEnvironment = (fn: TemplateResource): NodeJS.ProcessEnv =>
    Object.fromEntries(
      Object.entries(environmentOf(fn)).map(([name, value]) => [
        name,
        typeof value === 'string' ? value : `https://resolved.example/${name}`,
      ]),
    );

  it.each(Object.entries(functions))('%s sets every setting its handler reads', (_, fn) => {
    // Prepare
    const source = readFileSync(repoPath(fn.Metadata?.['local:entry'] as string), 'utf8');
    const settings = [...new Set([...source.matchAll(/\bconfig\.(\w+)/g)].map((m) => m[1] as string))].filter(
      (name) => name !== 'ts',
    );
    const config = readConfig(deployedEnvironment(fn)) as unknown as Record<string, unknown>;

    // Act + Assess: a missing or malformed variable throws, naming it.
    for (const setting of settings) expect(() => config[setting], setting).not.toThrow();
  });
});
