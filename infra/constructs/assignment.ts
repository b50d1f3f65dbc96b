/**
 * Assignment of conversations to operators (docs/architecture.md, "Assignment"): the escalation
 * consumer (a ticket and a place in an operator queue for each handed-over conversation), the timer
 * consumer (SLA, grace, presence-lease, accept and first-reply timers), the routes `operator.status`,
 * `operator.next`, `operator.heartbeat`, `conversation.accept`, `queue.stats`, and the grace timer an
 * operator's last `$disconnect` starts. The queues are in ./queues.ts.
 */
import { Duration } from 'aws-cdk-lib';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Construct } from 'constructs';
import type { ChatTables } from './data.ts';
import { type FunctionSettings, HouseFunction } from './house-function.ts';
import { type AssignmentQueues, type EscalationQueues, TIMER_CONSUMER_TIMEOUT } from './queues.ts';
import type { Realtime } from './realtime.ts';
import { FunctionSchedule } from './schedule.ts';

/** Run-time limit of the escalation consumer: a batch of 10 escalations, each a ticket and an assignment. */
export const ESCALATION_CONSUMER_TIMEOUT = Duration.seconds(30);

/** Properties of {@link Assignment}. */
export interface AssignmentProps {
  readonly settings: FunctionSettings;
  readonly tables: ChatTables;
  /** Where escalations arrive (consumed here). */
  readonly escalationQueues: EscalationQueues;
  /** The operator queues and the timer queue. */
  readonly assignmentQueues: AssignmentQueues;
  /** The WebSocket API: the routes are added to it, the functions push through its `@connections`. */
  readonly realtime: Realtime;
  /**
   * How often the reconciler runs (context `reconcileMinutes`).
   * @default Duration.minutes(1)
   */
  readonly reconcileEvery?: Duration;
}

/** Run-time limit of the reconciler: a page of pending follow-ups, the operators, the queues' heads. */
export const RECONCILER_TIMEOUT = Duration.seconds(60);

/**
 * Assignment (stateless): the escalation consumer, the timer consumer, and the routes
 * `operator.status`, `operator.next`, `operator.heartbeat`, `conversation.accept`, `queue.stats`;
 * `$disconnect` starts an operator's grace timer.
 */
export class Assignment extends Construct {
  readonly escalationConsumer: HouseFunction;
  readonly timerConsumer: HouseFunction;
  /** Finishes what crashes left undone around the ledger, on a schedule (docs/architecture.md, "The reconciler"). */
  readonly reconciler: HouseFunction;
  /** The functions that are not routes (routes are in `Realtime.functions`), for the alarms. */
  readonly functions: HouseFunction[];

  constructor(scope: Construct, id: string, props: AssignmentProps) {
    super(scope, id);
    const { settings, tables, assignmentQueues, realtime } = props;
    // Everything `assignmentDeps()` (functions/adapters/assignment-wiring.ts) uses.
    const assigning = (
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
        // One conversation's assignment crosses queues, timers and these functions: worth following.
        tracing: true,
      })
        .useTable('MESSAGES_TABLE', tables.messages, 'read')
        // Lists the operators' and citizens' connections; deletes those that answer 410 Gone.
        .useTable('CONNECTIONS_TABLE', tables.connections, 'readWrite')
        // The citizen's verified flag, and their other sessions for ticket updates.
        .useTable('SESSIONS_TABLE', tables.sessions, 'read')
        .useTable('TICKETS_TABLE', tables.tickets, 'readWrite')
        // The conversation's internal notes (desk), in `conversation.assigned`.
        .useTable('NOTES_TABLE', tables.notes, 'read')
        // The line tick's claims and what it last told (`line-tick#…` items, short TTL).
        .useTable('IDEMPOTENCY_TABLE', tables.idempotency, 'readWrite')
        .useConnectionsApi(realtime.api, realtime.stage);
      return assignmentQueues.allowAssign(fn);
    };

    this.escalationConsumer = assigning(
      'EscalationConsumer',
      'escalation-consumer',
      'Opens the ticket of each escalation, queues it for operators with its SLA timer, assigns',
      ESCALATION_CONSUMER_TIMEOUT,
    );
    this.escalationConsumer.addEventSource(
      new SqsEventSource(props.escalationQueues.queue, { batchSize: 10, reportBatchItemFailures: true }),
    );

    this.timerConsumer = assigning(
      'TimerConsumer',
      'timer-consumer',
      'SLA and grace timers, and "capacity appeared" signals: records breaches, offers them to seniors first, requeues a lost operator',
      TIMER_CONSUMER_TIMEOUT,
    );
    this.timerConsumer.addEventSource(
      new SqsEventSource(assignmentQueues.timerQueue, { batchSize: 10, reportBatchItemFailures: true }),
    );
    this.reconciler = assigning(
      'Reconciler',
      'reconciler',
      'Finishes follow-ups a crash left pending, late timers, ghost operators; counts every repair',
      RECONCILER_TIMEOUT,
    )
      // A queued conversation whose escalation was never published is published again.
      .useQueue('ESCALATION_QUEUE_URL', props.escalationQueues.queue, 'send');
    new FunctionSchedule(this, 'ReconcilerSchedule', {
      target: this.reconciler,
      rate: props.reconcileEvery ?? Duration.minutes(1),
      description: 'Runs the reconciler of the waiting line',
      localRateEnv: 'RECONCILE_SECONDS',
      // A missed run is not worth repeating: the next one comes a period later and does it all.
      retryAttempts: 0,
    });
    this.functions = [this.escalationConsumer, this.timerConsumer, this.reconciler];

    realtime.addRoute(
      'operator.status',
      assigning(
        'OperatorStatus',
        'operator-status',
        'operator.status: availability, skills, capacity; assigns waiting conversations',
      ),
    );
    realtime.addRoute(
      'operator.next',
      assigning(
        'OperatorNext',
        'operator-next',
        'operator.next: takes the longest-waiting conversation by hand',
      ),
    );
    realtime.addRoute(
      'operator.heartbeat',
      // OperatorsTable: granted by addRoute to every route staff may send (the lease's one write).
      new HouseFunction(this, 'OperatorHeartbeat', {
        entry: 'functions/handlers/operator-heartbeat.ts',
        description: "operator.heartbeat: renews the operator's presence lease",
        settings,
      }),
    );
    realtime.addRoute(
      'conversation.accept',
      assignmentQueues.allowAccept(
        new HouseFunction(this, 'ConversationAccept', {
          entry: 'functions/handlers/conversation-accept.ts',
          description:
            'conversation.accept: the operator takes an assigned conversation; the citizen is told',
          settings,
        }).useConnectionsApi(realtime.api, realtime.stage),
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
      .useQueue('TIMER_QUEUE_URL', assignmentQueues.timerQueue, 'send');
  }
}
