/**
 * Assignment as other capabilities use it, wired from the configuration once per Lambda: the ticket
 * routes free an operator's slot when a ticket is done (`AssignmentReleaser`, the ticket use cases), the desk moves
 * a conversation to another queue on `operator.transfer` (`ConversationMover`, the desk). A function that
 * uses them gets the variables and grants from `OperatorDispatch.allowRelease` / `allowMove`
 * (infra/constructs/operators.ts).
 */
import type { OperatorQueueName } from '#domain/operator-roster.ts';
import type { AssignmentReleaser } from '#domain/ports/tickets.ts';
import { moveConversation } from '#domain/use-cases/move-conversation.ts';
import { releaseAssignment } from '#domain/use-cases/release-assignment.ts';
import type { ConversationMover } from '#domain/use-cases/transfer-conversation.ts';
import { config } from '#shared/config.ts';
import { assignmentMetrics, reconcilerMetrics } from '#shared/observability.ts';
import { SessionCitizenDirectory, UseCaseAssignmentTickets } from './assignment-tickets.ts';
import { ApiGatewayConnectionNotifier } from './connection-notifier.ts';
import { DynamoAssignmentStore } from './dynamodb/assignment-store.ts';
import { DynamoCitizenSessionLookup } from './dynamodb/citizen-session-lookup.ts';
import { DynamoConnectionRepository } from './dynamodb/connection-repository.ts';
import { DynamoConversationRepository } from './dynamodb/conversation-repository.ts';
import { DynamoFollowUpLedger } from './dynamodb/follow-up-ledger.ts';
import { DynamoLineTicks } from './dynamodb/line-ticks.ts';
import { DynamoMessageRepository } from './dynamodb/message-repository.ts';
import { DynamoNoteRepository } from './dynamodb/note-repository.ts';
import { DynamoOperatorRepository } from './dynamodb/operator-repository.ts';
import { DynamoSessionRepository } from './dynamodb/session-repository.ts';
import { DynamoSlaRecords } from './dynamodb/sla-records.ts';
import { DynamoTicketRepository } from './dynamodb/ticket-repository.ts';
import { DynamoWaitingLine } from './dynamodb/waiting-line.ts';
import { SqsEscalationQueue } from './escalation-queue.ts';
import { SqsOperatorQueues } from './operator-queues.ts';
import { randomIds, systemClock } from './system.ts';
import { SqsTimerQueue } from './timer-queue.ts';

/** The operator queues' URLs from their settings (`OPERATOR_QUEUE_URL_<NAME>`). */
function operatorQueueUrls(): Record<OperatorQueueName, string> {
  return {
    auth: config.operatorQueueUrlAuth,
    applications: config.operatorQueueUrlApplications,
    documents: config.operatorQueueUrlDocuments,
    legal: config.operatorQueueUrlLegal,
    mfc: config.operatorQueueUrlMfc,
    general: config.operatorQueueUrlGeneral,
    senior: config.operatorQueueUrlSenior,
  };
}

function assignmentStore(): DynamoAssignmentStore {
  return new DynamoAssignmentStore({
    conversationsTable: config.conversationsTable,
    operatorsTable: config.operatorsTable,
  });
}

/** `releaseAssignment` for the ticket routes: needs CONVERSATIONS_TABLE, OPERATORS_TABLE, TIMER_QUEUE_URL. */
export class UseCaseAssignmentReleaser implements AssignmentReleaser {
  private readonly deps = { store: assignmentStore(), timers: new SqsTimerQueue(config.timerQueueUrl) };

  async releaseAssignment(conversationId: string, operatorId: string): Promise<void> {
    await releaseAssignment(this.deps, conversationId, operatorId);
  }
}

/** `moveToQueue` for `operator.transfer`: the move, its queue entry, timers and timer-queue signal. */
export class UseCaseConversationMover implements ConversationMover {
  private readonly deps = {
    conversations: new DynamoConversationRepository(config.conversationsTable),
    store: assignmentStore(),
    queues: new SqsOperatorQueues(operatorQueueUrls()),
    timers: new SqsTimerQueue(config.timerQueueUrl),
    line: new DynamoWaitingLine(config.conversationsTable),
    operators: new DynamoOperatorRepository(config.operatorsTable),
    ledger: new DynamoFollowUpLedger(config.conversationsTable),
    clock: systemClock,
    ids: randomIds,
    settings: {
      slaAssignSeconds: config.slaAssignSeconds,
      averageHandleSeconds: config.averageHandleSeconds,
    },
  };

  async moveToQueue(
    move: Parameters<ConversationMover['moveToQueue']>[0],
  ): ReturnType<ConversationMover['moveToQueue']> {
    const result = await moveConversation(this.deps, {
      conversationId: move.conversationId,
      to: move.to,
      fromOperatorId: move.fromOperatorId,
      now: move.now,
    });
    if (result.status === 'not_movable') return result;
    return {
      status: 'moved',
      conversation: result.conversation,
      queuePosition: result.queuePosition,
      etaSeconds: result.etaSeconds,
    };
  }
}

/**
 * Everything the assignment's own functions need (the escalation consumer, the timer consumer,
 * `operator.status`, `operator.next`, `queue.stats`), wired once per Lambda at module scope.
 */
export function assignmentDeps() {
  const connections = new DynamoConnectionRepository(config.connectionsTable);
  const conversations = new DynamoConversationRepository(config.conversationsTable);
  const notifier = new ApiGatewayConnectionNotifier({
    endpoint: config.wsConnectionsEndpoint,
    timeoutMs: config.postTimeoutMs,
  });
  const ticketRepository = new DynamoTicketRepository({
    ticketsTable: config.ticketsTable,
    conversationsTable: config.conversationsTable,
  });
  const tickets = new UseCaseAssignmentTickets({
    tickets: ticketRepository,
    conversations,
    citizenSessions: new DynamoCitizenSessionLookup(config.sessionsTable),
    connections,
    notifier,
    releaser: new UseCaseAssignmentReleaser(),
    clock: systemClock,
    retentionDays: config.ticketRetentionDays,
  });
  return {
    operators: new DynamoOperatorRepository(config.operatorsTable),
    store: assignmentStore(),
    line: new DynamoWaitingLine(config.conversationsTable),
    queues: new SqsOperatorQueues(operatorQueueUrls()),
    timers: new SqsTimerQueue(config.timerQueueUrl),
    conversations,
    messages: new DynamoMessageRepository(config.messagesTable),
    connections,
    notifier,
    tickets,
    citizens: new SessionCitizenDirectory(
      new DynamoSessionRepository(config.sessionsTable),
      ticketRepository,
    ),
    notes: new DynamoNoteRepository(config.notesTable),
    ticks: new DynamoLineTicks(config.idempotencyTable),
    ledger: new DynamoFollowUpLedger(config.conversationsTable),
    metrics: assignmentMetrics,
    // Breaches (the timer consumer) and assignments, for the hourly SLA report.
    sla: new DynamoSlaRecords({
      slaTable: config.slaTable,
      conversationsTable: config.conversationsTable,
      retentionDays: config.messageRetentionDays,
    }),
    clock: systemClock,
    ids: randomIds,
    settings: {
      slaAssignSeconds: config.slaAssignSeconds,
      operatorGraceSeconds: config.operatorGraceSeconds,
      averageHandleSeconds: config.averageHandleSeconds,
      assignmentVisibilitySeconds: config.assignmentVisibilitySeconds,
      queuePositionUpdates: config.queuePositionUpdates,
      operatorMaxChats: config.operatorMaxChats,
      presenceLeaseSeconds: config.presenceLeaseSeconds,
      acceptSeconds: config.acceptSeconds,
      firstReplySeconds: config.firstReplySeconds,
      lineTickSeconds: config.lineTickSeconds,
    },
  };
}

/** What the reconciler needs: everything the assignment's functions do, the ledger, and the escalation queue. */
export function reconcilerDeps() {
  const deps = assignmentDeps();
  return {
    ...deps,
    ledger: new DynamoFollowUpLedger(config.conversationsTable),
    escalations: new SqsEscalationQueue(config.escalationQueueUrl),
    repairs: reconcilerMetrics,
    settings: { ...deps.settings, reconcileAfterSeconds: config.reconcileAfterSeconds },
  };
}

/**
 * What accepting an assignment needs (`conversation.accept`, and `operator.reply`, whose first reply
 * accepts): CONVERSATIONS_TABLE, CONNECTIONS_TABLE, TIMER_QUEUE_URL and the `@connections` API
 * (`AssignmentQueues.allowAccept`, infra/constructs/queues.ts).
 */
export function acceptanceDeps() {
  const connections = new DynamoConnectionRepository(config.connectionsTable);
  return {
    conversations: new DynamoConversationRepository(config.conversationsTable),
    store: assignmentStore(),
    connections,
    notifier: new ApiGatewayConnectionNotifier({
      endpoint: config.wsConnectionsEndpoint,
      timeoutMs: config.postTimeoutMs,
    }),
    timers: new SqsTimerQueue(config.timerQueueUrl),
    clock: systemClock,
    settings: { firstReplySeconds: config.firstReplySeconds },
  };
}
