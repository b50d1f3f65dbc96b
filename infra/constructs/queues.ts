/**
 * The queues of the chat's work, in one place, so that the constructs of the functions that produce
 * and consume them depend on this file and never on each other:
 * - {@link BotQueues}: citizen messages waiting for the bot (`message.send`, the outbox → bot worker);
 * - {@link EscalationQueues}: conversations handed over to people (bot worker, `operator.request` →
 *   escalation consumer);
 * - {@link AssignmentQueues}: the operator queues a conversation waits in until it is assigned, and
 *   the timer queue whose delayed messages are the SLA and grace timers.
 * Queues live in the chat stack, not the data stack: everything they hold is retried or re-derived
 * (docs/architecture.md), and a replaced queue loses nothing a dead-letter queue would not show.
 */
import { Duration } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { OPERATOR_QUEUES, type OperatorQueueName } from '../../functions/domain/operator-roster.ts';
import { DEAD_LETTER_RETENTION_DAYS } from '../../functions/domain/retention.ts';
import { conversationQueue } from './conversation-queue.ts';
import type { ChatTables } from './data.ts';
import type { HouseFunction } from './house-function.ts';

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

/** Receives before an escalation goes to the dead-letter queue. */
export const ESCALATION_MAX_RECEIVE_COUNT = 5;

/**
 * How long a received escalation stays hidden: 6 times the 30 s a consumer may take, the rule the bot
 * queue follows (AWS guidance for Lambda event sources); the escalation consumer's timeout is 30 s.
 */
export const ESCALATION_VISIBILITY_TIMEOUT = Duration.seconds(6 * 30);

/** The escalation FIFO queue and its FIFO dead-letter queue. */
export class EscalationQueues extends Construct {
  /** Escalations (`events/escalation.ts`): group = conversationId, dedup = `{conversationId}#{attempt}` (set by the producer). */
  readonly queue: Queue;
  /** Escalations that failed {@link ESCALATION_MAX_RECEIVE_COUNT} times. */
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    ({ queue: this.queue, deadLetterQueue: this.deadLetterQueue } = conversationQueue(this, {
      name: 'Escalation',
      visibilityTimeout: ESCALATION_VISIBILITY_TIMEOUT,
      maxReceiveCount: ESCALATION_MAX_RECEIVE_COUNT,
      // A citizen waiting for a person must never be lost: kept as long as SQS allows.
      retentionPeriod: Duration.days(14),
    }));
  }
}

/**
 * Receives of one waiting conversation's message before it is dead-lettered: SQS's maximum. A
 * waiting entry is received by every dispatcher that looks at the head of its queue (up to 10
 * entries) and given back unless it is the oldest, so it is received many times without anything
 * being wrong; a category queue's entry waits at most SLA_ASSIGN_SECONDS. A thousand receives that
 * never ended in an assignment mean a dispatcher keeps failing on it.
 */
export const OPERATOR_QUEUE_MAX_RECEIVE_COUNT = 1000;

/** The dispatcher holds a received entry only while it commits one assignment. */
export const OPERATOR_QUEUE_VISIBILITY_TIMEOUT = Duration.seconds(30);

/** Run-time limit of the function that consumes the timer queue. */
export const TIMER_CONSUMER_TIMEOUT = Duration.seconds(30);

/** Receives of a timer or signal before it is dead-lettered. */
export const TIMER_MAX_RECEIVE_COUNT = 5;

/** Properties of {@link AssignmentQueues}. */
export interface AssignmentQueuesProps {
  /** The tables assignment writes (ConversationsTable, OperatorsTable), for {@link AssignmentQueues.allowRelease}. */
  readonly tables: ChatTables;
}

/** `OPERATOR_QUEUE_URL_<NAME>` of each operator queue. */
export function operatorQueueEnvName(queue: OperatorQueueName) {
  return `OPERATOR_QUEUE_URL_${queue.toUpperCase() as Uppercase<OperatorQueueName>}` as const;
}

/**
 * The queues of assignment: one FIFO operator queue per category and `senior`, holding a message per
 * waiting conversation until it is assigned (so `ApproximateAgeOfOldestMessage` is the longest real
 * wait), each with its FIFO dead-letter queue; and the timer queue (standard) whose delayed messages
 * are the SLA and grace timers, with its dead-letter queue.
 */
export class AssignmentQueues extends Construct {
  readonly operatorQueues: Record<OperatorQueueName, Queue>;
  readonly operatorDeadLetterQueues: Record<OperatorQueueName, Queue>;
  /** SLA and grace timers (delayed messages) and "capacity appeared" signals: `events/timers.ts`. */
  readonly timerQueue: Queue;
  readonly timerDeadLetterQueue: Queue;
  private readonly tables: ChatTables;

  constructor(scope: Construct, id: string, props: AssignmentQueuesProps) {
    super(scope, id);
    this.tables = props.tables;
    const queues: Partial<Record<OperatorQueueName, Queue>> = {};
    const deadLetters: Partial<Record<OperatorQueueName, Queue>> = {};
    for (const name of OPERATOR_QUEUES) {
      const made = conversationQueue(this, {
        name: `Operator${name[0]?.toUpperCase()}${name.slice(1)}`,
        visibilityTimeout: OPERATOR_QUEUE_VISIBILITY_TIMEOUT,
        maxReceiveCount: OPERATOR_QUEUE_MAX_RECEIVE_COUNT,
        // A citizen waiting for a person must never be lost: kept as long as SQS allows.
        retentionPeriod: Duration.days(14),
      });
      queues[name] = made.queue;
      deadLetters[name] = made.deadLetterQueue;
    }
    this.operatorQueues = queues as Record<OperatorQueueName, Queue>;
    this.operatorDeadLetterQueues = deadLetters as Record<OperatorQueueName, Queue>;

    this.timerDeadLetterQueue = new Queue(this, 'TimerDeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(DEAD_LETTER_RETENTION_DAYS),
    });
    this.timerQueue = new Queue(this, 'TimerQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // AWS guidance for Lambda event sources: 6x the consumer's timeout.
      visibilityTimeout: Duration.seconds(TIMER_CONSUMER_TIMEOUT.toSeconds() * 6),
      retentionPeriod: Duration.days(14),
      deadLetterQueue: { queue: this.timerDeadLetterQueue, maxReceiveCount: TIMER_MAX_RECEIVE_COUNT },
    });
  }

  /** Every dead-letter queue of assignment, for the alarms. */
  deadLetterQueues(): Queue[] {
    return [...Object.values(this.operatorDeadLetterQueues), this.timerDeadLetterQueue];
  }

  /**
   * What `releaseAssignment` needs (the ticket routes): the conversation and the operator written
   * together, and the timer queue to wake the dispatcher.
   */
  allowRelease(fn: HouseFunction): HouseFunction {
    return fn
      .useTable('CONVERSATIONS_TABLE', this.tables.conversations, 'readWrite')
      .useTable('OPERATORS_TABLE', this.tables.operators, 'readWrite')
      .useQueue('TIMER_QUEUE_URL', this.timerQueue, 'send');
  }

  /**
   * What `moveToQueue` needs (`operator.transfer`): {@link allowRelease}, sending to every operator
   * queue (a new entry) and reading the operators (the estimated wait).
   */
  allowMove(fn: HouseFunction): HouseFunction {
    this.allowRelease(fn);
    for (const name of OPERATOR_QUEUES)
      fn.useQueue(operatorQueueEnvName(name), this.operatorQueues[name], 'send');
    return fn;
  }

  /** Receives, deletes and gives back entries of every operator queue (the functions that assign). */
  /**
   * What accepting an assignment needs (`acceptanceDeps`, functions/adapters/assignment-wiring.ts:
   * `conversation.accept`, and `operator.reply`, whose first reply accepts): the conversation, the
   * citizen's connections, the first-reply timer. The function also needs the `@connections` API.
   */
  allowAccept(fn: HouseFunction): HouseFunction {
    return fn
      .useTable('CONVERSATIONS_TABLE', this.tables.conversations, 'readWrite')
      .useTable('CONNECTIONS_TABLE', this.tables.connections, 'readWrite')
      .useQueue('TIMER_QUEUE_URL', this.timerQueue, 'send');
  }

  allowAssign(fn: HouseFunction): HouseFunction {
    this.allowRelease(fn);
    // The SLA records (docs/requirements.md#sla): each assignment, and each breach (the timer consumer).
    fn.useTable('SLA_TABLE', this.tables.sla, 'write');
    for (const name of OPERATOR_QUEUES) {
      fn.useQueue(operatorQueueEnvName(name), this.operatorQueues[name], 'consume');
      this.operatorQueues[name].grantSendMessages(fn);
    }
    return fn;
  }
}
