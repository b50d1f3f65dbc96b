/**
 * The bot pipeline's functions: the worker that drains the bot queue with the knowledge-base layer
 * mounted ({@link BotWorker}), and the outbox that queues, from the MessagesTable stream, the job of
 * any message `message.send` committed but did not get to answer ({@link BotOutbox}). The queues are in ./queues.ts.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { WebSocketApi, WebSocketStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DEAD_LETTER_RETENTION_DAYS } from '../../functions/domain/retention.ts';
import type { ChatTables } from './data.ts';
import { type FunctionSettings, HouseFunction } from './house-function.ts';
import type { KnowledgeBaseLayer } from './knowledge-base.ts';
import { BOT_WORKER_TIMEOUT, type BotQueues, type EscalationQueues } from './queues.ts';

/** Properties of {@link BotWorker}. */
export interface BotWorkerProps {
  /** Settings shared by all functions. */
  readonly settings: FunctionSettings;
  /** The tables of the data model. */
  readonly tables: ChatTables;
  /** The queue the worker drains. */
  readonly queues: BotQueues;
  /** The WebSocket API the worker answers through. */
  readonly api: WebSocketApi;
  /** The stage whose `@connections` endpoint the worker posts to. */
  readonly stage: WebSocketStage;
  /** The knowledge base the worker answers from. */
  readonly knowledgeBase: KnowledgeBaseLayer;
  /** Where the worker puts a conversation whose intake is complete. */
  readonly escalationQueues: EscalationQueues;
  /**
   * The Web stack's origin, where the printable MFC checklists are (`CHECKLIST_PAGES_URL`).
   * @default none: the bot gives the checklist in the chat only
   */
  readonly webOrigin?: string;
  /**
   * The portal's registry of applications (`PORTAL_REGISTRY_URL`, HTTPS).
   * @default none: the bot's own answer to "where is my application" stands
   */
  readonly portalRegistryUrl?: string;
  /**
   * The Secrets Manager secret (complete ARN) holding the registry's service token, when the portal
   * team keeps it (context `portalRegistryTokenSecretArn`).
   * @default with `portalRegistryUrl`, the stack creates the secret `PortalRegistryToken` (retained), into
   * which the token is put once (docs/deploy.md)
   */
  readonly portalRegistryTokenSecretArn?: string;
}

/** The bot worker function and its SQS trigger. */
export class BotWorker extends Construct {
  readonly function: HouseFunction;
  /** The secret of the registry's token, with `portalRegistryUrl`: the worker may read this one only. */
  readonly portalRegistryToken?: ISecret;

  constructor(scope: Construct, id: string, props: BotWorkerProps) {
    super(scope, id);
    const { tables } = props;
    this.function = new HouseFunction(this, 'BotWorker', {
      entry: 'functions/handlers/bot-worker.ts',
      description:
        'Answers citizen messages from the bot queue, runs the intake before a handover, queues escalations',
      settings: props.settings,
      timeout: BOT_WORKER_TIMEOUT,
    })
      .useTable('CONVERSATIONS_TABLE', tables.conversations, 'readWrite')
      .useTable('MESSAGES_TABLE', tables.messages, 'readWrite')
      .useTable('IDEMPOTENCY_TABLE', tables.idempotency, 'readWrite')
      // The citizen's MFC visits (index byCitizen), mentioned with their applications.
      .useTable('VISITS_TABLE', tables.visits, 'read')
      // Reads the session (verified or not) with the job's message; a guest's question that needs
      // identification is remembered on the conversation, in the turn's own update of it.
      .useTable('SESSIONS_TABLE', tables.sessions, 'read')
      // Reads the connections of a session; deletes those that answer 410 Gone.
      .useTable('CONNECTIONS_TABLE', tables.connections, 'readWrite')
      .useConnectionsApi(props.api, props.stage)
      .useKnowledgeBase(props.knowledgeBase)
      .useMfcDirectory(props.knowledgeBase)
      .useQueue('ESCALATION_QUEUE_URL', props.escalationQueues.queue, 'send')
      // Its own queue: to bring a failed job back in seconds (ChangeMessageVisibility).
      .useQueue('BOT_QUEUE_URL', props.queues.queue, 'consume');
    if (props.webOrigin) this.function.addEnvironment('CHECKLIST_PAGES_URL', props.webOrigin);
    if (props.portalRegistryUrl) {
      this.function.addEnvironment('PORTAL_REGISTRY_URL', props.portalRegistryUrl);
      this.portalRegistryToken = this.registryTokenSecret(props.portalRegistryTokenSecretArn);
      // GetSecretValue (and DescribeSecret) on that one secret; read once per cold start, cached 15 min.
      this.function.useSecret('PORTAL_REGISTRY_TOKEN_SECRET_ID', this.portalRegistryToken);
    }
    this.function.addEventSource(
      new SqsEventSource(props.queues.queue, { batchSize: 10, reportBatchItemFailures: true }),
    );
  }

  /** The referenced secret, or a new one the token is put into after the first deploy. */
  private registryTokenSecret(arn: string | undefined): ISecret {
    if (arn) return Secret.fromSecretCompleteArn(this, 'PortalRegistryToken', arn);
    const secret = new Secret(this, 'PortalRegistryToken', {
      description:
        "Support chat: the portal registry's service token (Authorization: Bearer), put in by operators",
      // A placeholder until the token is put in (aws secretsmanager put-secret-value, docs/deploy.md).
      generateSecretString: { passwordLength: 32, excludePunctuation: true, includeSpace: false },
      // The token is the portal team's: deleting the stack must not lose what was put in.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        "The token is issued and rotated by the portal registry's team, who put each new one in (put-secret-value); " +
        'the bot worker re-reads it within 15 minutes. A Lambda rotation here could only make a token the registry does not know.',
    });
    return secret;
  }
}

/** Records of the MessagesTable stream the outbox reads per invocation. */
export const BOT_OUTBOX_BATCH_SIZE = 50;

/** How long the outbox's mapping gathers records before it invokes the outbox. */
export const BOT_OUTBOX_BATCHING_WINDOW = Duration.seconds(1);

/**
 * The outbox holds a batch while a turn of the previous version is still under way (a message it
 * stored with `turnBy`), until its reply is stored or the deadline of that invocation (MessageSend's
 * 10 s timeout) has passed, then queues.
 */
export const BOT_OUTBOX_TIMEOUT = Duration.seconds(30);

/** Retries of a failed stream batch (halved each time by bisection) before it goes to the failure queue. */
export const BOT_OUTBOX_RETRY_ATTEMPTS = 10;

/** Properties of {@link BotOutbox}. */
export interface BotOutboxProps {
  /** Settings shared by all functions. */
  readonly settings: FunctionSettings;
  /** The tables of the data model; the messages table's stream is the outbox. */
  readonly tables: ChatTables;
  /** The queue the outbox puts jobs on (the same one `message.send` uses). */
  readonly queues: BotQueues;
}

/**
 * The transactional outbox of `message.send` (docs/architecture.md, "The outbox"): a function on
 * the MessagesTable stream, invoked only for INSERTs of citizen messages marked `outbox = bot`,
 * that queues the bot job of each one the bot has not answered, with the same group and
 * deduplication ids as any other send of it.
 */
export class BotOutbox extends Construct {
  readonly function: HouseFunction;
  /**
   * Where Lambda puts the description (shard, sequence numbers) of a stream batch that failed every
   * retry: the messages it names were not queued by the outbox (runbook: bot-outbox-failures).
   */
  readonly failureQueue: Queue;

  constructor(scope: Construct, id: string, props: BotOutboxProps) {
    super(scope, id);
    this.failureQueue = new Queue(this, 'OutboxFailureQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // Long enough for on-call to read the failed ranges after a long weekend.
      retentionPeriod: Duration.days(DEAD_LETTER_RETENTION_DAYS),
    });
    Validations.of(this.failureQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'It is the on-failure destination of the BotOutbox stream mapping, the end of the line: ' +
        'on-call reads it (alarm BotOutboxFailures); nothing consumes it that could fail again.',
    });
    this.function = new HouseFunction(this, 'BotOutbox', {
      entry: 'functions/handlers/bot-outbox.ts',
      description: 'Queues the bot job of every citizen message to the bot from the messages stream (outbox)',
      settings: props.settings,
      memorySize: 256,
      timeout: BOT_OUTBOX_TIMEOUT,
    })
      // `bot#{messageId}`: whether the message was answered (in `message.send`) before queueing it.
      .useTable('IDEMPOTENCY_TABLE', props.tables.idempotency, 'read')
      .useQueue('BOT_QUEUE_URL', props.queues.queue, 'send');
    this.function.addEventSource(
      new DynamoEventSource(props.tables.messages, {
        // LATEST, not TRIM_HORIZON: the stream is created with this mapping, so there is nothing
        // older to miss on the first deploy, and a mapping replaced later must not replay a day of
        // messages the bot answered long ago (each would re-post its stored reply).
        startingPosition: StartingPosition.LATEST,
        batchSize: BOT_OUTBOX_BATCH_SIZE,
        // `message.send` stores most messages with their answer (no outbox mark: they never come
        // here); a marked message had its job queued by `message.send` unless it died, and the
        // worker answers it fast. Waiting lets that answer land first, so the outbox reads its key
        // and queues nothing (docs/architecture.md, "The outbox"). A message left unanswered
        // waits this much more, well inside the first response's 30 s.
        maxBatchingWindow: BOT_OUTBOX_BATCHING_WINDOW,
        filters: [
          FilterCriteria.filter({
            eventName: FilterRule.isEqual('INSERT'),
            dynamodb: {
              NewImage: {
                from: { S: FilterRule.isEqual('citizen') },
                outbox: { S: FilterRule.isEqual('bot') },
              },
            },
          }),
        ],
        reportBatchItemFailures: true,
        bisectBatchOnError: true,
        retryAttempts: BOT_OUTBOX_RETRY_ATTEMPTS,
        onFailure: new SqsDlq(this.failureQueue),
      }),
    );
  }
}
