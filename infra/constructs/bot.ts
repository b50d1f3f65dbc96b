/**
 * The bot pipeline: the FIFO queue `message.send` feeds (stateful, {@link BotQueues}) and the
 * worker that drains it with the knowledge-base layer mounted (stateless, {@link BotWorker}).
 */
import { Duration } from 'aws-cdk-lib';
import type { WebSocketApi, WebSocketStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { conversationQueue } from './conversation-queue.ts';
import type { ChatTables } from './data.ts';
import { type FunctionSettings, HouseFunction } from './house-function.ts';
import type { KnowledgeBaseLayer } from './knowledge-base.ts';
import type { EscalationQueues } from './operators.ts';

/** Run-time limit of one bot-worker invocation (a batch of up to 10 messages). */
export const BOT_WORKER_TIMEOUT = Duration.seconds(30);

/** Receives before a bot job goes to the dead-letter queue. */
export const BOT_MAX_RECEIVE_COUNT = 5;

/** The bot's FIFO queue and its FIFO dead-letter queue. */
export class BotQueues extends Construct {
  /** Jobs for the bot: message group = conversationId, deduplication id = messageId (set by the producer). */
  readonly queue: Queue;
  /** Jobs that failed {@link BOT_MAX_RECEIVE_COUNT} times. */
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    ({ queue: this.queue, deadLetterQueue: this.deadLetterQueue } = conversationQueue(this, {
      name: 'Bot',
      // AWS guidance for Lambda event sources: at least 6x the function timeout, so retries
      // of a throttled batch do not make a message visible while it is still being worked on.
      visibilityTimeout: Duration.seconds(BOT_WORKER_TIMEOUT.toSeconds() * 6),
      maxReceiveCount: BOT_MAX_RECEIVE_COUNT,
    }));
  }
}

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
}

/** The bot worker function and its SQS trigger. */
export class BotWorker extends Construct {
  readonly function: HouseFunction;

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
      .useTable('SESSIONS_TABLE', tables.sessions, 'read')
      // Reads the connections of a session; deletes those that answer 410 Gone.
      .useTable('CONNECTIONS_TABLE', tables.connections, 'readWrite')
      .useConnectionsApi(props.api, props.stage)
      .useKnowledgeBase(props.knowledgeBase)
      .useQueue('ESCALATION_QUEUE_URL', props.escalationQueues.queue, 'send')
      // Its own queue: to bring a failed job back in seconds (ChangeMessageVisibility).
      .useQueue('BOT_QUEUE_URL', props.queues.queue, 'consume');
    this.function.addEventSource(
      new SqsEventSource(props.queues.queue, { batchSize: 10, reportBatchItemFailures: true }),
    );
  }
}
