/**
 * Telling about an assignment run (`assign-conversations.ts`): `assignAndAnnounce` runs the
 * assignment and starts telling about each assignment the moment its transaction commits, while the
 * run goes on (a run that fills a hundred operators does not keep the first of them waiting for the
 * last); `announceRun` tells about a run already made. For each assignment:
 *  - the metric (`Assigned`, the wait), the record for the hourly SLA report (`sla.ts`: on time, or
 *    taken after its breach), the ticket's move to `in_progress` (with the SLA note when this stay
 *    in line had breached);
 *  - `conversation.assigned` (`assigned-frame.ts`: the whole transcript, the intake, the ticket, the
 *    notes, the citizen) to the operator's connections, saying until when the offer stands
 *    (`acceptBy`, ACCEPT_SECONDS from the post), and once it is handed over the accept timer
 *    (`assignment.accept`) due then: the operator has that long from the moment the offer goes out,
 *    however long the steps before it took;
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
import { type Operator, type OperatorQueueName, queueNamed } from '../operator-roster.ts';
import type { AssignmentMetrics, AssignmentTickets } from '../ports/assignment.ts';
import type { FollowUpLedger } from '../ports/ledger.ts';
import type { SlaRecords } from '../ports/sla.ts';
import type { Clock } from '../ports/system.ts';
import type { TimerQueue } from '../ports/timers.ts';
import { breachedThisStay } from '../sla.ts';
import type { Ticket } from '../tickets.ts';
import {
  type AssignDeps,
  type Assignment,
  type AssignmentRun,
  type AssignmentSettings,
  mergeRuns,
} from './assign-conversations.ts';
import { type AssignedFrameDeps, assignedFrame } from './assigned-frame.ts';
import { countBreach } from './count-breach.ts';
import { announceQueues, citizenSide, type PlacesInLineDeps, ticketRef } from './places-in-line.ts';
import { postToAll } from './post-frames.ts';

/** What telling about it needs besides assigning. */
export interface AnnounceDeps extends PlacesInLineDeps, AssignedFrameDeps {
  tickets: AssignmentTickets;
  /**
   * Clears each announcement's follow-up once it is told, with the end of its accept window
   * (docs/architecture.md, "The ledger").
   */
  ledger: Pick<FollowUpLedger, 'clear' | 'clearAnnouncement'>;
  metrics: AssignmentMetrics;
  /** Where each assignment's accept timer goes. */
  timers: TimerQueue;
  /**
   * Where each assignment is recorded for the hourly SLA report, and the breach of a breached stay
   * counted if nobody did (the assigning functions have it).
   */
  sla?: Pick<SlaRecords, 'recordAssignment' | 'markBreachCounted'>;
  clock: Clock;
  settings: Pick<
    AssignmentSettings,
    'averageHandleSeconds' | 'queuePositionUpdates' | 'acceptSeconds' | 'lineTickSeconds'
  >;
}

export type AssignmentDeps = AssignDeps & AnnounceDeps & { settings: AssignmentSettings };

/** A step after a commit that failed without undoing it (the handler logs it). */
export interface AnnouncementProblem {
  conversationId: string;
  step: 'ticket_in_progress' | 'accept_timer' | 'sla_record';
  error: unknown;
}

export interface Announcement {
  /** The `conversation.assigned` frame of each assignment, by conversation id. */
  frames: Map<string, ConversationAssignedFrame>;
  problems: AnnouncementProblem[];
}

/** Where an announcement goes, besides the assignment's own operator. */
export interface AnnounceOptions {
  /** The connection that gets its frame as a route answer (`operator.next`) and is not pushed it again. */
  answeredConnectionId?: string;
  /** Queues that changed besides the assignments (an arrival): `queue.stats` goes out. */
  touchedQueues?: readonly OperatorQueueName[];
}

/**
 * Runs `assign` (`fillOperator`, `offerQueue`, `offerBreached` with the deps it is given) and tells
 * about each of its assignments as soon as it commits (see the module header); once the run is over
 * and every announcement made, the queues' news, then the run's failure if it had one.
 */
export async function assignAndAnnounce(
  deps: AssignmentDeps,
  assign: (deps: AssignmentDeps) => Promise<AssignmentRun>,
  options: AnnounceOptions = {},
): Promise<Announcement & { run: AssignmentRun }> {
  const problems: AnnouncementProblem[] = [];
  const telling = new Map<string, Promise<ConversationAssignedFrame>>();
  const tell = (assignment: Assignment) => {
    const id = assignment.conversation.conversationId;
    if (telling.has(id)) return;
    const told = announceAssignment(deps, assignment, options, problems);
    // Awaited below, with the others; a rejection is not unhandled meanwhile.
    told.catch(() => undefined);
    telling.set(id, told);
  };
  let run: AssignmentRun;
  try {
    run = mergeRuns(await assign({ ...deps, onAssigned: tell }));
  } catch (error) {
    await Promise.allSettled(telling.values());
    throw error;
  }
  // Those the run did not report as it went (a run made by hand).
  for (const assignment of run.assignments) tell(assignment);
  const frames = new Map<string, ConversationAssignedFrame>();
  await Promise.all(
    [...telling].map(async ([id, told]) => {
      frames.set(id, await told);
    }),
  );
  // Positions move only where someone left the line; the stats change wherever anyone came or went.
  const moved = new Set(run.assignments.map((a) => a.queue));
  if (moved.size > 0 || (options.touchedQueues?.length ?? 0) > 0) await announceQueues(deps, moved);
  if (run.failure !== undefined) throw run.failure;
  return { frames, problems, run };
}

/** Tells everyone about a run already made (the reconciler's announcement again): as `assignAndAnnounce`. */
export async function announceRun(
  deps: AnnounceDeps,
  runOrRuns: AssignmentRun,
  options: AnnounceOptions = {},
): Promise<Announcement> {
  const { frames, problems } = await assignAndAnnounce(
    deps as AssignmentDeps,
    async () => runOrRuns,
    options,
  );
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
  const breached = breachedThisStay(conversation);
  const [operatorConnections, , ticket] = await Promise.all([
    deps.connections.listByPrincipal(operator.operatorId),
    recordForSla(deps, conversation, breached, problems),
    startWork(deps, conversation, operator, { queuedAt, breached, now }, problems),
  ]);
  const lang: Lang = operatorConnections[0]?.lang ?? conversation.escalation?.event.lang ?? 'ru';
  // Built once the ticket is `in_progress`: the frame shows it so.
  const frame = await assignedFrame(deps, conversation, queue, lang, ticket);
  // The offer's window opens as the frame goes out, and the frame says when it closes.
  const acceptBy = new Date(deps.clock.now().getTime() + deps.settings.acceptSeconds * 1000).toISOString();
  if (conversation.assignedAt !== undefined) frame.conversation.acceptBy = acceptBy;
  // The citizen is told "operator" once the operator accepts (`accept-assignment.ts`), not now.
  await postToAll(
    deps,
    operatorConnections.filter((c) => c.connectionId !== options.answeredConnectionId),
    frame,
  );
  const acceptDueAt = await startAcceptTimer(deps, conversation, operator, acceptBy, problems);
  const failed = problems.some((p) => p.conversationId === conversation.conversationId);
  if (!failed && acceptDueAt && conversation.followUps?.announce && conversation.followUpsAt) {
    await deps.ledger.clearAnnouncement(conversation.conversationId, conversation.followUpsAt, acceptDueAt);
  }
  return frame;
}

/**
 * The ticket to `in_progress` by whoever took it (with the SLA note when this stay had breached). A
 * failure is reported, not thrown: the assignment is committed and must reach the operator and the
 * citizen whatever the ticket does; the operator can still move the ticket by hand.
 */
async function startWork(
  deps: AnnounceDeps,
  conversation: Conversation,
  operator: Operator,
  stay: { queuedAt: string; breached: boolean; now: Date },
  problems: AnnouncementProblem[],
): Promise<Ticket | undefined> {
  if (!conversation.ticketId) return undefined;
  const waited = Math.round((stay.now.getTime() - Date.parse(stay.queuedAt)) / 1000);
  const taker = operator.role === 'senior' ? 'a senior' : 'an operator';
  const staffNote = stay.breached ? `SLA breach: taken by ${taker} after ${waited} s` : undefined;
  try {
    return await deps.tickets.startWork(
      conversation.ticketId,
      { kind: operator.role === 'senior' ? 'senior' : 'operator', id: operator.operatorId },
      staffNote,
    );
  } catch (error) {
    problems.push({ conversationId: conversation.conversationId, step: 'ticket_in_progress', error });
    deps.metrics.announcementFailed('ticket_in_progress', conversation.conversationId, error);
    return undefined;
  }
}

/**
 * The assignment in the hourly SLA report's records (docs/requirements.md#sla): its entry, its queue
 * (the category a breached entry waited in, even when taken through the senior queue) and whether
 * that stay had breached. Repeating it writes the same record. A failure is reported, not thrown:
 * the assignment stands.
 */
async function recordForSla(
  deps: AnnounceDeps,
  conversation: Conversation,
  breached: boolean,
  problems: AnnouncementProblem[],
): Promise<void> {
  const { queueEntryId, queuedAt, assignedAt, assignedQueue } = conversation;
  if (!deps.sla || !queueEntryId || !queuedAt || !assignedAt || !assignedQueue) return;
  try {
    await deps.sla.recordAssignment({
      conversationId: conversation.conversationId,
      entryId: queueEntryId,
      queue: assignedQueue,
      ...(conversation.ticketNumber ? { ticketNumber: conversation.ticketNumber } : {}),
      queuedAt,
      assignedAt,
      breached,
      ...(conversation.operatorId ? { operatorId: conversation.operatorId } : {}),
    });
    // A breach whose timer died between recording and counting it is counted here.
    if (breached)
      await countBreach({ sla: deps.sla, metrics: deps.metrics }, conversation, queueNamed(assignedQueue));
  } catch (error) {
    problems.push({ conversationId: conversation.conversationId, step: 'sla_record', error });
    deps.metrics.announcementFailed('sla_record', conversation.conversationId, error);
  }
}

/**
 * At `acceptBy` — ACCEPT_SECONDS from when the frame went out, the time the frame itself names — the
 * assignment must have been accepted, else it goes back to the front of its queue (`fire-timer.ts`).
 * The window is counted from the post, not from the commit: the steps before it (or a post that
 * waited on a busy stack) would otherwise leave the operator less, or nothing (docs/benchmarks.md).
 * The timer is sent once the post returned, so a death before it leaves the announcement's follow-up
 * pending and the reconciler announces again, timer included; a post that outlived the window (it
 * timed out, or waited on a busy stack) gets a timer due at once: the frame, if it ever arrives,
 * shows a deadline already past, and the operator who never saw the offer in time still gives it back.
 */
async function startAcceptTimer(
  deps: AnnounceDeps,
  conversation: Conversation,
  operator: Operator,
  acceptBy: string,
  problems: AnnouncementProblem[],
): Promise<string | undefined> {
  const assignedAt = conversation.assignedAt;
  if (assignedAt === undefined) return undefined;
  const remaining = Math.max(0, Math.ceil((Date.parse(acceptBy) - deps.clock.now().getTime()) / 1000));
  try {
    await deps.timers.schedule(
      {
        kind: 'assignment.accept',
        conversationId: conversation.conversationId,
        operatorId: operator.operatorId,
        assignedAt,
        dueAt: acceptBy,
      },
      remaining,
    );
    return acceptBy;
  } catch (error) {
    // The assignment stands and is announced; accepting it still works. Reported to the caller.
    problems.push({ conversationId: conversation.conversationId, step: 'accept_timer', error });
    deps.metrics.announcementFailed('accept_timer', conversation.conversationId, error);
    return undefined;
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
