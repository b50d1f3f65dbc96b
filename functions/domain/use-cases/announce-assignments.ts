/**
 * Telling about an assignment run (`assign-conversations.ts`), once its transactions committed:
 * `announceRun` does, for each assignment,
 *  - the metric (`Assigned`, the wait), the ticket's move to `in_progress` (with the SLA note when
 *    the conversation had breached);
 *  - the accept timer (ACCEPT_SECONDS, `assignment.accept`), started before the frame goes out;
 *  - `conversation.assigned` (`assigned-frame.ts`: the whole transcript, the intake, the ticket, the
 *    notes, the citizen) to the operator's connections;
 *  - the citizen gets `ticket.updated` from the ticket's move, and `conversation.updated`
 *    (operator) only once the operator accepts (`accept-assignment.ts`, `tellCitizenOperator`);
 *  - the ledger: the announcement's follow-up, written by the assignment's transaction, is cleared
 *    once the ticket moved and the timer was sent (a step that failed leaves it pending: the
 *    reconciler announces again);
 * then, once for the run, the citizens still waiting in those queues their new positions and
 * online operators `queue.stats` (`places-in-line.ts`). A failure after commits still announces
 * what was committed, then throws.
 */

import type { Lang } from '#events/lang.ts';
import type { ConversationAssignedFrame } from '#events/operator-frames.ts';
import type { ConversationUpdatedFrame } from '#events/server-frames.ts';
import type { Conversation } from '../conversations.ts';
import type { Operator, OperatorQueueName } from '../operator-roster.ts';
import type { AssignmentMetrics, AssignmentTickets } from '../ports/assignment.ts';
import type { FollowUpLedger } from '../ports/ledger.ts';
import type { Clock } from '../ports/system.ts';
import type { TimerQueue } from '../ports/timers.ts';
import {
  type AssignDeps,
  type Assignment,
  type AssignmentRun,
  type AssignmentSettings,
  mergeRuns,
} from './assign-conversations.ts';
import { type AssignedFrameDeps, assignedFrame } from './assigned-frame.ts';
import { postToAll } from './bot-turns.ts';
import { announceQueues, citizenSide, type PlacesInLineDeps, ticketRef } from './places-in-line.ts';

/** What telling about it needs besides assigning. */
export interface AnnounceDeps extends PlacesInLineDeps, AssignedFrameDeps {
  tickets: AssignmentTickets;
  /** Clears each announcement's follow-up once it is told (docs/architecture.md, "The ledger"). */
  ledger: Pick<FollowUpLedger, 'clear'>;
  metrics: AssignmentMetrics;
  /** Where each assignment's accept timer goes. */
  timers: TimerQueue;
  clock: Clock;
  settings: Pick<AssignmentSettings, 'averageHandleSeconds' | 'queuePositionUpdates' | 'acceptSeconds'>;
}

export type AssignmentDeps = AssignDeps & AnnounceDeps & { settings: AssignmentSettings };

/** A step after a commit that failed without undoing it (the handler logs it). */
export interface AnnouncementProblem {
  conversationId: string;
  step: 'ticket_in_progress' | 'accept_timer';
  error: unknown;
}

export interface Announcement {
  /** The `conversation.assigned` frame of each assignment, by conversation id. */
  frames: Map<string, ConversationAssignedFrame>;
  problems: AnnouncementProblem[];
}

/**
 * Tells everyone about a run's assignments (see the module header), then throws the run's failure
 * if it had one. `answeredConnectionId`: the connection that gets its frame as a route answer
 * (`operator.next`) and is not pushed it again.
 */
export async function announceRun(
  deps: AnnounceDeps,
  runOrRuns: AssignmentRun,
  /** `touchedQueues`: queues that changed besides the assignments (an arrival): `queue.stats` goes out. */
  options: { answeredConnectionId?: string; touchedQueues?: readonly OperatorQueueName[] } = {},
): Promise<Announcement> {
  const run = mergeRuns(runOrRuns);
  const frames = new Map<string, ConversationAssignedFrame>();
  const problems: AnnouncementProblem[] = [];
  await Promise.all(
    run.assignments.map(async (assignment) => {
      frames.set(
        assignment.conversation.conversationId,
        await announceAssignment(deps, assignment, options, problems),
      );
    }),
  );
  // Positions move only where someone left the line; the stats change wherever anyone came or went.
  const moved = new Set(run.assignments.map((a) => a.queue));
  if (moved.size > 0 || (options.touchedQueues?.length ?? 0) > 0) await announceQueues(deps, moved);
  if (run.failure !== undefined) throw run.failure;
  return { frames, problems };
}

async function announceAssignment(
  deps: AnnounceDeps,
  { conversation, operator, queue, queuedAt }: Assignment,
  options: { answeredConnectionId?: string },
  problems: AnnouncementProblem[],
): Promise<ConversationAssignedFrame> {
  const now = deps.clock.now();
  deps.metrics.assigned(queue, Math.max(0, now.getTime() - Date.parse(queuedAt)));
  if (conversation.ticketId) {
    const waited = Math.round((now.getTime() - Date.parse(queuedAt)) / 1000);
    const note = conversation.slaBreachedAt ? `SLA breach: taken by a senior after ${waited} s` : undefined;
    try {
      await deps.tickets.startWork(
        conversation.ticketId,
        { kind: operator.role === 'senior' ? 'senior' : 'operator', id: operator.operatorId },
        note,
      );
    } catch (error) {
      // The assignment is committed and must reach the operator and the citizen whatever the
      // ticket does; the operator can still move the ticket by hand. Reported to the caller.
      problems.push({ conversationId: conversation.conversationId, step: 'ticket_in_progress', error });
      deps.metrics.announcementFailed('ticket_in_progress', conversation.conversationId, error);
    }
  }
  await startAcceptTimer(deps, conversation, operator, problems);
  const operatorConnections = await deps.connections.listByPrincipal(operator.operatorId);
  const lang: Lang = operatorConnections[0]?.lang ?? conversation.escalation?.event.lang ?? 'ru';
  const frame = await assignedFrame(deps, conversation, queue, lang);
  // The citizen is told "operator" once the operator accepts (`accept-assignment.ts`), not now.
  await postToAll(
    deps,
    operatorConnections.filter((c) => c.connectionId !== options.answeredConnectionId),
    frame,
  );
  const failed = problems.some((p) => p.conversationId === conversation.conversationId);
  if (!failed && conversation.followUps?.announce && conversation.followUpsAt) {
    await deps.ledger.clear(conversation.conversationId, conversation.followUpsAt);
  }
  return frame;
}

/**
 * ACCEPT_SECONDS from now the assignment must have been accepted, else it goes back to the front of
 * its queue (`fire-timer.ts`). Started before the frame goes out, so an operator who never sees it
 * still gives it back.
 */
async function startAcceptTimer(
  deps: AnnounceDeps,
  conversation: Conversation,
  operator: Operator,
  problems: AnnouncementProblem[],
): Promise<void> {
  const assignedAt = conversation.assignedAt;
  if (assignedAt === undefined) return;
  const due = Date.parse(assignedAt) + deps.settings.acceptSeconds * 1000;
  try {
    await deps.timers.schedule(
      {
        kind: 'assignment.accept',
        conversationId: conversation.conversationId,
        operatorId: operator.operatorId,
        assignedAt,
        dueAt: new Date(due).toISOString(),
      },
      // From the assignment, not from now: an announcement made late (the reconciler's) is due as planned.
      Math.max(0, (due - deps.clock.now().getTime()) / 1000),
    );
  } catch (error) {
    // The assignment stands and is announced; accepting it still works. Reported to the caller.
    problems.push({ conversationId: conversation.conversationId, step: 'accept_timer', error });
    deps.metrics.announcementFailed('accept_timer', conversation.conversationId, error);
  }
}

/** `conversation.updated` {state `operator`, operator} to the citizen's connections: someone took it. */
export async function tellCitizenOperator(
  deps: Pick<AnnounceDeps, 'connections' | 'notifier'>,
  conversation: Conversation,
  displayName: string,
): Promise<void> {
  const frame: ConversationUpdatedFrame = {
    type: 'conversation.updated',
    conversationId: conversation.conversationId,
    state: 'operator',
    ...ticketRef(conversation),
    operator: { displayName },
  };
  await postToAll(deps, citizenSide(await deps.connections.listByPrincipal(conversation.sessionId)), frame);
}
