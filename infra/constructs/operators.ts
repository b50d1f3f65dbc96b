/**
 * The operators' side of the handover (C5, C7): the FIFO queue a conversation is put on when the bot
 * hands it over ({@link EscalationQueues}), the operator queues and the timer queue
 * ({@link DispatchQueues}) — all stateful — and the dispatcher that consumes them
 * ({@link OperatorDispatch}: the escalation consumer, the timer consumer, `operator.status`,
 * `operator.next`, `queue.stats`, and the grace timer on `$disconnect`). docs/architecture.md, "Dispatch".
 */
import { Duration } from 'aws-cdk-lib';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { OPERATOR_QUEUES, type OperatorQueueName } from '../../functions/domain/operator-roster.ts';
import { DEAD_LETTER_RETENTION_DAYS } from '../../functions/domain/retention.ts';
import { conversationQueue } from './conversation-queue.ts';
import type { ChatTables } from './data.ts';
import { type FunctionSettings, HouseFunction } from './house-function.ts';
import type { Realtime } from './realtime.ts';

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

/** Run-time limit of the functions that consume the dispatch (timer) queue. */
export const DISPATCH_TIMER_TIMEOUT = Duration.seconds(30);

/** Receives of a timer or signal before it is dead-lettered. */
export const DISPATCH_TIMER_MAX_RECEIVE_COUNT = 5;

/** Properties of {@link DispatchQueues}. */
export interface DispatchQueuesProps {
  /** The tables dispatch writes (ConversationsTable, OperatorsTable), for {@link DispatchQueues.allowRelease}. */
  readonly tables: ChatTables;
}

/** `OPERATOR_QUEUE_URL_<NAME>` of each operator queue. */
export function operatorQueueEnvName(queue: OperatorQueueName) {
  return `OPERATOR_QUEUE_URL_${queue.toUpperCase() as Uppercase<OperatorQueueName>}` as const;
}

/**
 * The queues of dispatch (stateful): one FIFO operator queue per category and `senior`, holding a
 * message per waiting conversation until it is assigned (so `ApproximateAgeOfOldestMessage` is the
 * longest real wait), each with its FIFO dead-letter queue; and the dispatch queue (standard) whose
 * delayed messages are the SLA and grace timers, with its dead-letter queue.
 */
export class DispatchQueues extends Construct {
  readonly operatorQueues: Record<OperatorQueueName, Queue>;
  readonly operatorDeadLetterQueues: Record<OperatorQueueName, Queue>;
  /** SLA and grace timers (delayed messages) and "capacity appeared" signals: `events/dispatch.ts`. */
  readonly timerQueue: Queue;
  readonly timerDeadLetterQueue: Queue;
  private readonly tables: ChatTables;

  constructor(scope: Construct, id: string, props: DispatchQueuesProps) {
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

    this.timerDeadLetterQueue = new Queue(this, 'DispatchTimerDeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(DEAD_LETTER_RETENTION_DAYS),
    });
    this.timerQueue = new Queue(this, 'DispatchTimerQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // AWS guidance for Lambda event sources: 6x the consumer's timeout.
      visibilityTimeout: Duration.seconds(DISPATCH_TIMER_TIMEOUT.toSeconds() * 6),
      retentionPeriod: Duration.days(14),
      deadLetterQueue: {
        queue: this.timerDeadLetterQueue,
        maxReceiveCount: DISPATCH_TIMER_MAX_RECEIVE_COUNT,
      },
    });
  }

  /** Every dead-letter queue of dispatch, for the alarms. */
  deadLetterQueues(): Queue[] {
    return [...Object.values(this.operatorDeadLetterQueues), this.timerDeadLetterQueue];
  }

  /**
   * What `releaseAssignment` needs (the ticket routes, E3): the conversation and the operator
   * written together, and the dispatch queue to wake the dispatcher.
   */
  allowRelease(fn: HouseFunction): HouseFunction {
    return fn
      .useTable('CONVERSATIONS_TABLE', this.tables.conversations, 'readWrite')
      .useTable('OPERATORS_TABLE', this.tables.operators, 'readWrite')
      .useQueue('DISPATCH_QUEUE_URL', this.timerQueue, 'send');
  }

  /**
   * What `moveToQueue` needs (`operator.transfer`, E5): {@link allowRelease}, sending to every
   * operator queue (a new entry) and reading the operators (the estimated wait).
   */
  allowMove(fn: HouseFunction): HouseFunction {
    this.allowRelease(fn);
    for (const name of OPERATOR_QUEUES)
      fn.useQueue(operatorQueueEnvName(name), this.operatorQueues[name], 'send');
    return fn;
  }

  /** Receives, deletes and gives back entries of every operator queue (the dispatchers). */
  allowDispatch(fn: HouseFunction): HouseFunction {
    this.allowRelease(fn);
    for (const name of OPERATOR_QUEUES) {
      fn.useQueue(operatorQueueEnvName(name), this.operatorQueues[name], 'consume');
      this.operatorQueues[name].grantSendMessages(fn);
    }
    return fn;
  }
}

/** Run-time limit of the escalation consumer: a batch of 10 escalations, each a ticket and a dispatch. */
export const ESCALATION_CONSUMER_TIMEOUT = Duration.seconds(30);

/** Properties of {@link OperatorDispatch}. */
export interface OperatorDispatchProps {
  readonly settings: FunctionSettings;
  readonly tables: ChatTables;
  /** Where escalations arrive (consumed here). */
  readonly escalationQueues: EscalationQueues;
  /** The operator queues and the timer queue. */
  readonly dispatchQueues: DispatchQueues;
  /** The WebSocket API: the routes are added to it, the functions push through its `@connections`. */
  readonly realtime: Realtime;
}

/**
 * The dispatcher (stateless): the escalation consumer, the timer consumer, and the routes
 * `operator.status`, `operator.next`, `queue.stats`; `$disconnect` starts an operator's grace timer.
 */
export class OperatorDispatch extends Construct {
  readonly escalationConsumer: HouseFunction;
  readonly timerConsumer: HouseFunction;
  /** The functions that are not routes (routes are in `Realtime.functions`), for the alarms. */
  readonly functions: HouseFunction[];

  constructor(scope: Construct, id: string, props: OperatorDispatchProps) {
    super(scope, id);
    const { settings, tables, dispatchQueues, realtime } = props;
    // Everything `dispatchDeps()` (functions/adapters/dispatch-wiring.ts) uses.
    const dispatcher = (
      fnId: string,
      file: string,
      description: string,
      timeout?: Duration,
    ): HouseFunction => {
      const fn = new HouseFunction(this, fnId, {
        entry: `functions/handlers/${file}.ts`,
        description,
        settings,
        ...(timeout ? { timeout } : {}),
      })
        .useTable('MESSAGES_TABLE', tables.messages, 'read')
        // Lists the operators' and citizens' connections; deletes those that answer 410 Gone.
        .useTable('CONNECTIONS_TABLE', tables.connections, 'readWrite')
        // The citizen's verified flag, and their other sessions for ticket updates.
        .useTable('SESSIONS_TABLE', tables.sessions, 'read')
        .useTable('TICKETS_TABLE', tables.tickets, 'readWrite')
        // The conversation's internal notes (desk), in `conversation.assigned`.
        .useTable('NOTES_TABLE', tables.notes, 'read')
        .useConnectionsApi(realtime.api, realtime.stage);
      return dispatchQueues.allowDispatch(fn);
    };

    this.escalationConsumer = dispatcher(
      'EscalationConsumer',
      'escalation-consumer',
      'Opens the ticket of each escalation, queues it for operators with its SLA timer, dispatches',
      ESCALATION_CONSUMER_TIMEOUT,
    );
    this.escalationConsumer.addEventSource(
      new SqsEventSource(props.escalationQueues.queue, { batchSize: 10, reportBatchItemFailures: true }),
    );

    this.timerConsumer = dispatcher(
      'DispatchTimers',
      'timer-consumer',
      'SLA and grace timers, and dispatch signals: moves breaches to seniors, requeues a lost operator',
      DISPATCH_TIMER_TIMEOUT,
    );
    this.timerConsumer.addEventSource(
      new SqsEventSource(dispatchQueues.timerQueue, { batchSize: 10, reportBatchItemFailures: true }),
    );
    this.functions = [this.escalationConsumer, this.timerConsumer];

    realtime.addRoute(
      'operator.status',
      dispatcher(
        'OperatorStatus',
        'operator-status',
        'operator.status: availability, skills, capacity; dispatches',
      ),
    );
    realtime.addRoute(
      'operator.next',
      dispatcher(
        'OperatorNext',
        'operator-next',
        'operator.next: takes the longest-waiting conversation by hand',
      ),
    );
    realtime.addRoute(
      'queue.stats',
      new HouseFunction(this, 'QueueStats', {
        entry: 'functions/handlers/queue-stats.ts',
        description: 'queue.stats: how many wait in each operator queue, and for how long',
        settings,
      }).useTable('CONVERSATIONS_TABLE', tables.conversations, 'read'),
    );

    // $disconnect: an operator's last connection starts their grace timer.
    const disconnect = realtime.functions.find((fn) => fn.node.id === 'Disconnect');
    if (!disconnect) throw new Error('the Disconnect function of Realtime is missing');
    disconnect
      .useTable('CONNECTIONS_TABLE', tables.connections, 'readWrite')
      .useTable('OPERATORS_TABLE', tables.operators, 'write')
      .useQueue('DISPATCH_QUEUE_URL', dispatchQueues.timerQueue, 'send');
  }
}
