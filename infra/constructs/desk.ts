/**
 * The operator's desk and the citizen's side of it (docs/requirements.md#escalation, #offline-notifications): the routes an operator
 * works a conversation with (`operator.reply`, `operator.note`, `operator.transfer`, `canned.list`),
 * `typing` from either side, the citizen's `push.register`, and the two stream functions that keep
 * both sides informed: DeskRelay (MessagesTable stream: a citizen's message to the assigned
 * operator; an operator's reply to an offline citizen) and TicketNotices (TicketsTable stream: a
 * status change to an offline citizen). Routes come in through `Realtime.addRoute`, so they are in
 * `realtime.functions` and watched by the same alarms; the stream functions are in {@link Desk.functions}.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DEAD_LETTER_RETENTION_DAYS } from '../../functions/domain/retention.ts';
import type { ChatTables } from './data.ts';
import { type FunctionSettings, type HouseFunction, handlerFunctions } from './house-function.ts';
import type { KnowledgeBaseLayer } from './knowledge-base.ts';
import { grantOnPushEndpoints, type PushApplications, pushApplicationArns } from './push-endpoints.ts';
import type { AssignmentQueues } from './queues.ts';
import type { Realtime } from './realtime.ts';

/** Properties of {@link Desk}. */
export interface DeskProps {
  /** Settings shared by all functions. */
  readonly settings: FunctionSettings;
  /** The tables of the data model (MessagesTable and TicketsTable streams included). */
  readonly tables: ChatTables;
  /** The WebSocket API the routes are added to. */
  readonly realtime: Realtime;
  /** Where the canned answers ship (`canned/` of the knowledge-base layer). */
  readonly knowledgeBase: KnowledgeBaseLayer;
  /** Assignment: `operator.transfer` moves a conversation through its queues. */
  readonly assignmentQueues: AssignmentQueues;
}

/** Records of a stream the desk functions read per invocation. */
export const DESK_STREAM_BATCH_SIZE = 20;

/** Retries of a failed stream batch before its description goes to the failure queue. */
export const DESK_STREAM_RETRY_ATTEMPTS = 10;

/** The desk's routes and stream functions. */
export class Desk extends Construct {
  /** The stream functions (the routes are in `realtime.functions`), for the alarms. */
  readonly functions: HouseFunction[];
  /** On-failure destination of both stream mappings: batches given up on (shard and sequence range only). */
  readonly failureQueue: Queue;

  constructor(scope: Construct, id: string, props: DeskProps) {
    super(scope, id);
    const { settings, tables, realtime } = props;
    const fn = handlerFunctions(this, settings);

    // One transaction: the conversation's lastSeq (only while it is the caller's), the message and
    // its idempotency key (read back on a repeat); then the citizen's connections (410 → deleted).
    // A reply to a conversation not accepted yet accepts it: the grants of `conversation.accept`.
    const operatorReply = props.assignmentQueues
      .allowAccept(fn('OperatorReply', 'operator-reply', "Stores an operator's reply and pushes it"))
      .useTable('CONVERSATIONS_TABLE', tables.conversations, 'readWrite')
      .useTable('MESSAGES_TABLE', tables.messages, 'write')
      .useTable('IDEMPOTENCY_TABLE', tables.idempotency, 'readWrite')
      .useTable('CONNECTIONS_TABLE', tables.connections, 'readWrite')
      .useConnectionsApi(realtime.api, realtime.stage);
    const operatorNote = fn('OperatorNote', 'operator-note', 'Stores an internal note on a conversation')
      .useTable('CONVERSATIONS_TABLE', tables.conversations, 'read')
      .useTable('NOTES_TABLE', tables.notes, 'write');
    const operatorTransfer = props.assignmentQueues
      .allowMove(
        fn(
          'OperatorTransfer',
          'operator-transfer',
          'Transfers a conversation to the senior or another queue',
        ),
      )
      .useTable('NOTES_TABLE', tables.notes, 'write')
      .useTable('CONNECTIONS_TABLE', tables.connections, 'readWrite')
      .useConnectionsApi(realtime.api, realtime.stage);
    // Stateless: searches the canned answers in memory.
    const cannedList = fn('CannedList', 'canned-list', 'Lists canned answers for a query').useCannedAnswers(
      props.knowledgeBase,
    );
    // The throttle is one conditional put per relayed typing (IdempotencyTable, short TTL).
    const typing = fn('Typing', 'typing', 'Relays typing to the other side of a conversation')
      .useTable('CONVERSATIONS_TABLE', tables.conversations, 'read')
      .useTable('IDEMPOTENCY_TABLE', tables.idempotency, 'write')
      .useTable('CONNECTIONS_TABLE', tables.connections, 'readWrite')
      .useConnectionsApi(realtime.api, realtime.stage);
    const pushRegister = fn(
      'PushRegister',
      'push-register',
      "Registers a citizen's device for push",
    ).useTable('PUSH_DEVICES_TABLE', tables.pushDevices, 'write');
    this.allowPushRegistration(pushRegister, props.settings.pushApplications);

    realtime.addRoute('operator.reply', operatorReply);
    realtime.addRoute('operator.note', operatorNote);
    realtime.addRoute('operator.transfer', operatorTransfer);
    realtime.addRoute('canned.list', cannedList);
    realtime.addRoute('typing', typing);
    realtime.addRoute('push.register', pushRegister);

    this.failureQueue = new Queue(this, 'DeskStreamFailureQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(DEAD_LETTER_RETENTION_DAYS),
    });
    Validations.of(this.failureQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'It is the on-failure destination of the DeskRelay and TicketNotices stream mappings, the end of ' +
        'the line: on-call reads it (alarm DeskStreamFailureQueueNotEmpty); nothing consumes it.',
    });
    const streamSource = (table: ChatTables['messages'], filters: Record<string, unknown>[]) =>
      new DynamoEventSource(table, {
        // LATEST: a mapping replaced later must not replay a day of relays and notices.
        startingPosition: StartingPosition.LATEST,
        batchSize: DESK_STREAM_BATCH_SIZE,
        maxBatchingWindow: Duration.seconds(0),
        filters,
        reportBatchItemFailures: true,
        bisectBatchOnError: true,
        retryAttempts: DESK_STREAM_RETRY_ATTEMPTS,
        onFailure: new SqsDlq(this.failureQueue),
      });

    // Reads the conversation (its operator, its session) and the session (language, citizen); lists
    // connections (deleting gone ones); reads devices (deleting those whose endpoint is gone); pushes through SNS (or SMS to an opted-in citizen),
    // each notice once: its key claimed, completed or released in IdempotencyTable (Get/Put/Update/DeleteItem).
    const deskRelay = fn(
      'DeskRelay',
      'desk-relay',
      "Pushes citizens' messages to their operator; tells offline citizens about operator replies",
    )
      .useTable('CONVERSATIONS_TABLE', tables.conversations, 'read')
      .useTable('SESSIONS_TABLE', tables.sessions, 'read')
      .useTable('CONNECTIONS_TABLE', tables.connections, 'readWrite')
      .useTable('PUSH_DEVICES_TABLE', tables.pushDevices, 'readWrite')
      .useTable('IDEMPOTENCY_TABLE', tables.idempotency, 'readWrite')
      .useConnectionsApi(realtime.api, realtime.stage)
      .useNotifier({ sms: true, push: true });
    deskRelay.addEventSource(
      streamSource(tables.messages, [
        FilterCriteria.filter({
          eventName: FilterRule.isEqual('INSERT'),
          dynamodb: {
            NewImage: {
              from: { S: FilterRule.isEqual('citizen') },
              outbox: { S: FilterRule.isEqual('operator') },
            },
          },
        }),
        FilterCriteria.filter({
          eventName: FilterRule.isEqual('INSERT'),
          dynamodb: { NewImage: { from: { S: FilterRule.isEqual('operator') } } },
        }),
      ]),
    );
    const ticketNotices = fn(
      'TicketNotices',
      'ticket-notices',
      'Tells offline citizens about ticket status changes',
    )
      .useTable('SESSIONS_TABLE', tables.sessions, 'read')
      .useTable('CONNECTIONS_TABLE', tables.connections, 'read')
      .useTable('PUSH_DEVICES_TABLE', tables.pushDevices, 'readWrite')
      .useTable('IDEMPOTENCY_TABLE', tables.idempotency, 'readWrite')
      .useNotifier({ sms: true, push: true });
    ticketNotices.addEventSource(
      streamSource(tables.tickets, [FilterCriteria.filter({ eventName: FilterRule.isEqual('MODIFY') })]),
    );
    this.functions = [deskRelay, ticketNotices];
  }

  /**
   * `PUSH_<PLATFORM>_APPLICATION_ARN` and `sns:CreatePlatformEndpoint` on exactly the configured
   * applications (`settings.pushApplications`, created by the platform team with the FCM key / APNs
   * certificate), and `sns:SetEndpointAttributes` (re-enabling a known device) on their endpoints.
   * None configured: `push.register` answers BAD_REQUEST for a platform without an application.
   */
  private allowPushRegistration(fn: HouseFunction, applications: PushApplications | undefined): void {
    const configured = [
      ['PUSH_FCM_APPLICATION_ARN', applications?.fcm],
      ['PUSH_APNS_APPLICATION_ARN', applications?.apns],
    ] as const;
    for (const [variable, arn] of configured) if (arn !== undefined) fn.addEnvironment(variable, arn);
    const arns = pushApplicationArns(applications);
    if (arns.length === 0) return;
    fn.addToRolePolicy(new PolicyStatement({ actions: ['sns:CreatePlatformEndpoint'], resources: arns }));
    grantOnPushEndpoints(fn, ['sns:SetEndpointAttributes'], applications);
  }
}
