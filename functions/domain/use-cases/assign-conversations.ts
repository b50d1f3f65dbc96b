/**
 * The assignment: gives waiting conversations to operators with the skill and a free slot, exactly
 * once, and tells everyone concerned. Every entry point of assignment (an escalation arriving, an
 * operator going online, `operator.next`, a slot freed, a timer) runs these.
 *
 * Primary course of one assignment run (`fillOperator` for one operator, `offerQueue` for one queue):
 *  1. Read the operator (consistently): nothing to do unless online with free slots.
 *  2. Pick the queue: the one of their skills whose first in line has waited longest (`byQueue`).
 *  3. Receive the head of that queue from SQS (up to 10 entries, hidden from other assigning functions for
 *     ASSIGNMENT_VISIBILITY_SECONDS) and take the oldest by `queuedAt`, as many as the free slots;
 *     the rest is given back at once.
 *  4. For each, one transaction (`AssignmentStore.assign`): the conversation still waits in that very
 *     entry with no operator, and the operator is present (online, connected, presence lease running)
 *     below `maxChats` → assigned, +1. Nobody is read as present before it: the condition decides.
 *     Committed → delete the message. The entry is stale (assigned by an assigning function that died before
 *     its delete, moved, closed) → delete it. The operator filled up → give the message back at once.
 *  5. Repeat until the operator is full or the queues are drained (an empty receive); entries
 *     given back are offered to the other operators at once (`settle`).
 *
 * Then `announceRun`: the accept timer starts (ACCEPT_SECONDS), the operator's connections get
 * `conversation.assigned` (the whole transcript, the intake, the ticket, the notes, the citizen),
 * the citizen, from the ticket's move to `in_progress`, `ticket.updated` (and `conversation.updated`
 * (operator) only once the operator accepts: `accept-assignment.ts`); the citizens still
 * waiting in those queues their new positions (the first QUEUE_POSITION_UPDATES of each); online
 * operators `queue.stats`. A failure after commits still announces what was committed, then throws.
 */

import type { Lang } from '#events/lang.ts';
import type {
  AssignedConversation,
  ConversationAssignedFrame,
  QueueStatsFrame,
} from '#events/operator-frames.ts';
import type { ConversationUpdatedFrame } from '#events/server-frames.ts';
import type { Conversation } from '../conversations.ts';
import { type StoredMessage, toChatMessage } from '../messages.ts';
import {
  estimatedWaitSeconds,
  freeSlots,
  isPresent,
  OPERATOR_QUEUES,
  type Operator,
  type OperatorQueueName,
  operatorQueueSchema,
  serves,
} from '../operator-roster.ts';
import type {
  AssignmentMetrics,
  AssignmentStore,
  AssignmentTickets,
  CitizenDirectory,
  OperatorQueues,
  WaitingLine,
} from '../ports/assignment.ts';
import type { ConversationRepository, MessageRepository, NoteRepository } from '../ports/conversations.ts';
import type { ConnectionNotifier, PushedFrame } from '../ports/delivery.ts';
import type { OperatorRepository } from '../ports/operator-roster.ts';
import type { ConnectionRepository } from '../ports/sessions.ts';
import type { Clock } from '../ports/system.ts';
import type { TimerQueue } from '../ports/timers.ts';
import type { Connection } from '../sessions.ts';
import { postToAll } from './bot-turns.ts';
import { servingSlots } from './queue-estimate.ts';

export interface AssignmentSettings {
  slaAssignSeconds: number;
  operatorGraceSeconds: number;
  averageHandleSeconds: number;
  assignmentVisibilitySeconds: number;
  queuePositionUpdates: number;
  operatorMaxChats: number;
  presenceLeaseSeconds: number;
  acceptSeconds: number;
  firstReplySeconds: number;
}

/** What assigning needs: operators, the exactly-once store, the waiting line and the SQS queues. */
export interface AssignDeps {
  operators: OperatorRepository;
  store: AssignmentStore;
  line: WaitingLine;
  queues: OperatorQueues;
  clock: Clock;
  settings: Pick<AssignmentSettings, 'assignmentVisibilitySeconds'>;
}

/** What telling about it needs besides. */
export interface AnnounceDeps {
  operators: Pick<OperatorRepository, 'listOnline'>;
  line: WaitingLine;
  conversations: ConversationRepository;
  messages: MessageRepository;
  connections: ConnectionRepository;
  notifier: ConnectionNotifier;
  tickets: AssignmentTickets;
  citizens: CitizenDirectory;
  /** The conversation's internal notes (the desk's), shown to whoever is assigned it next. */
  notes?: Pick<NoteRepository, 'list'>;
  metrics: AssignmentMetrics;
  /** Where each assignment's accept timer goes. */
  timers: TimerQueue;
  clock: Clock;
  settings: Pick<AssignmentSettings, 'averageHandleSeconds' | 'queuePositionUpdates' | 'acceptSeconds'>;
}

export type AssignmentDeps = AssignDeps & AnnounceDeps & { settings: AssignmentSettings };

export interface Assignment {
  /** The conversation as stored after the assignment. */
  conversation: Conversation;
  /** Who took it, as read before the assignment. */
  operator: Operator;
  queue: OperatorQueueName;
  queuedAt: string;
}

export interface AssignmentRun {
  assignments: Assignment[];
  /** Queues a receive found empty: asking them again in this run is pointless. */
  drained: Set<OperatorQueueName>;
  /** Queues whose entries this run received and gave back (its operator filled up meanwhile). */
  returned: Set<OperatorQueueName>;
  /** What stopped the run early; the assignments before it are committed and must be announced. */
  failure?: unknown;
}

/** Entries received per look at a queue (SQS's maximum): the head of the line, ordered by `queuedAt`. */
const RECEIVE_WINDOW = 10;

/** Rounds of one operator's run: each round assigns at least one conversation or ends the run. */
const MAX_ROUNDS = 20;

/** Offers of given-back entries after a run: each is rarer than the last (a race on one operator). */
const SETTLE_ROUNDS = 3;

const emptyRun = (): AssignmentRun => ({ assignments: [], drained: new Set(), returned: new Set() });

/**
 * Assigns waiting conversations to `operatorId` until their free slots (or `max`) or the queues run
 * out. Entries it had to give back (another run filled the operator first) are offered to the
 * others at once, so nothing waits while someone has a free slot.
 */
export async function fillOperator(
  deps: AssignDeps,
  operatorId: string,
  options: { max?: number; queue?: OperatorQueueName } = {},
): Promise<AssignmentRun> {
  return settle(deps, await fillOnce(deps, operatorId, options));
}

/** Offers a queue's waiting conversations to every online operator with the skill, least loaded first. */
export async function offerQueue(deps: AssignDeps, queue: OperatorQueueName): Promise<AssignmentRun> {
  return settle(deps, await offerOnce(deps, queue));
}

async function settle(deps: AssignDeps, first: AssignmentRun): Promise<AssignmentRun> {
  const runs = [first];
  let returned = first.returned;
  for (let round = 0; round < SETTLE_ROUNDS && returned.size > 0 && first.failure === undefined; round++) {
    const again = await Promise.all([...returned].map((queue) => offerOnce(deps, queue)));
    runs.push(...again);
    returned = new Set(again.flatMap((run) => [...run.returned]));
  }
  return mergeRuns(...runs);
}

async function fillOnce(
  deps: AssignDeps,
  operatorId: string,
  options: { max?: number; queue?: OperatorQueueName },
): Promise<AssignmentRun> {
  const run = emptyRun();
  const looked = new Set<OperatorQueueName>();
  const limit = options.max ?? Number.POSITIVE_INFINITY;
  try {
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const operator = await deps.operators.get(operatorId);
      if (!operator) break;
      const wanted = Math.min(freeSlots(operator), limit - run.assignments.length);
      if (wanted <= 0) break;
      const candidates = options.queue
        ? serves(operator, options.queue)
          ? [options.queue]
          : []
        : await queuesByWait(deps.line, operator.skills);
      let progressed = false;
      for (const queue of candidates.filter((q) => !run.drained.has(q))) {
        // The first look at a queue waits up to a second; a second look in the same run only picks
        // up what is there, so finishing a run never costs another second of waiting.
        const taken = await takeFrom(deps, operator, queue, wanted, !looked.has(queue));
        looked.add(queue);
        run.assignments.push(...taken.assignments);
        if (taken.drained) run.drained.add(queue);
        if (taken.gaveBack) run.returned.add(queue);
        if (taken.full) return run;
        if (taken.assignments.length > 0 || taken.stale > 0) {
          progressed = true;
          break;
        }
      }
      if (!progressed) break;
    }
  } catch (error) {
    run.failure = error;
  }
  return run;
}

async function offerOnce(deps: AssignDeps, queue: OperatorQueueName): Promise<AssignmentRun> {
  const run = emptyRun();
  let online: Operator[];
  try {
    online = await deps.operators.listOnline();
  } catch (error) {
    return { ...run, failure: error };
  }
  // A ghost (lease lapsed, console gone) would only fail the assignment's condition: not offered at all.
  const now = deps.clock.now();
  const candidates = online
    .filter((o) => serves(o, queue) && freeSlots(o) > 0 && isPresent(o, now))
    .sort(byLoad);
  for (const operator of candidates) {
    const taken = await fillOnce(deps, operator.operatorId, { queue });
    run.assignments.push(...taken.assignments);
    if (taken.failure !== undefined) return { ...run, failure: taken.failure };
    if (taken.drained.has(queue)) {
      run.drained.add(queue);
      // Given back by an earlier candidate of this very loop and drained for the next: the settle
      // pass offers them again.
      return run;
    }
    for (const q of taken.returned) run.returned.add(q);
  }
  return run;
}

/** Least loaded first (share of slots taken, then chats), then the one who waited longest. */
function byLoad(a: Operator, b: Operator): number {
  return (
    a.activeChats / a.maxChats - b.activeChats / b.maxChats ||
    a.activeChats - b.activeChats ||
    a.updatedAt.localeCompare(b.updatedAt)
  );
}

/** The operator's queues with someone waiting, the longest wait first (the index may lag: conditions decide). */
async function queuesByWait(
  line: WaitingLine,
  skills: readonly OperatorQueueName[],
): Promise<OperatorQueueName[]> {
  const heads = await Promise.all(
    skills.map(async (queue) => ({ queue, head: (await line.first(queue, 1))[0]?.queuedAt })),
  );
  return heads
    .filter((h): h is { queue: OperatorQueueName; head: string } => h.head !== undefined)
    .sort((a, b) => a.head.localeCompare(b.head))
    .map((h) => h.queue);
}

interface Taken {
  assignments: Assignment[];
  stale: number;
  full: boolean;
  drained: boolean;
  gaveBack: boolean;
}

async function takeFrom(
  deps: AssignDeps,
  operator: Operator,
  queue: OperatorQueueName,
  wanted: number,
  patient: boolean,
): Promise<Taken> {
  // A window of the queue's head, not just `wanted`: SQS hands entries out in the order they were
  // put, while the line's order is `queuedAt` (a conversation put back keeps its place). Within the
  // window the oldest go first; the rest is given back at once.
  const received = await deps.queues.receive(
    queue,
    RECEIVE_WINDOW,
    deps.settings.assignmentVisibilitySeconds,
    patient,
  );
  received.sort((a, b) => a.entry.queuedAt.localeCompare(b.entry.queuedAt));
  // Only an empty receive says the queue is drained: fewer than asked may mean the rest is in
  // another assigning function's hands, which gives back what its operator cannot take.
  const taken: Taken = {
    assignments: [],
    stale: 0,
    full: false,
    drained: received.length === 0,
    gaveBack: false,
  };
  const assignee = { operatorId: operator.operatorId, displayName: operator.displayName };
  // Message deletes and give-backs are best effort: a message that stays comes back after its
  // visibility timeout and is then found stale or still waiting, never assigned twice.
  const quietly = (work: Promise<void>) => work.catch(() => undefined);
  for (const [index, { entry, receipt }] of received.entries()) {
    if (taken.full || taken.assignments.length >= wanted) {
      // Given back because the operator filled up under another run: others should be offered it.
      if (taken.full) taken.gaveBack = true;
      await quietly(deps.queues.giveBack(queue, receipt));
      continue;
    }
    let outcome: Awaited<ReturnType<AssignmentStore['assign']>>;
    try {
      outcome = await deps.store.assign(entry, assignee, deps.clock.now());
    } catch (error) {
      for (const rest of received.slice(index)) await quietly(deps.queues.giveBack(queue, rest.receipt));
      throw new AssignRunError(error, taken.assignments);
    }
    if (outcome.status === 'assigned') {
      taken.assignments.push({
        conversation: outcome.conversation,
        operator,
        queue,
        queuedAt: entry.queuedAt,
      });
      await quietly(deps.queues.remove(queue, receipt));
    } else if (outcome.status === 'stale') {
      taken.stale++;
      await quietly(deps.queues.remove(queue, receipt));
    } else {
      if (outcome.status === 'operator_full') taken.full = true;
      taken.gaveBack = true;
      await quietly(deps.queues.giveBack(queue, receipt));
    }
  }
  return taken;
}

/** A store failure in the middle of a batch, carrying what the batch had committed before it. */
class AssignRunError extends Error {
  constructor(
    readonly failure: unknown,
    readonly committed: Assignment[],
  ) {
    super('assignment failed mid-batch', { cause: failure });
    this.name = 'AssignRunError';
  }
}

/** Every assignment of runs, including those committed before a failure. */
function committedAssignments(run: AssignmentRun): Assignment[] {
  const extra = run.failure instanceof AssignRunError ? run.failure.committed : [];
  return [...run.assignments, ...extra];
}

/** Merges runs (several queues, several operators) into one. */
function mergeRuns(...runs: AssignmentRun[]): AssignmentRun {
  const merged = emptyRun();
  for (const run of runs) {
    merged.assignments.push(...committedAssignments(run));
    for (const queue of run.drained) merged.drained.add(queue);
    for (const queue of run.returned) merged.returned.add(queue);
    if (run.failure !== undefined && merged.failure === undefined) {
      merged.failure = run.failure instanceof AssignRunError ? run.failure.failure : run.failure;
    }
  }
  return merged;
}

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
  const seconds = deps.settings.acceptSeconds;
  const dueAt = new Date(Date.parse(assignedAt) + seconds * 1000).toISOString();
  try {
    await deps.timers.schedule(
      {
        kind: 'assignment.accept',
        conversationId: conversation.conversationId,
        operatorId: operator.operatorId,
        assignedAt,
        dueAt,
      },
      seconds,
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

/** The operator's view of an assigned conversation: the whole transcript, the intake, the ticket, the citizen. */
export async function assignedFrame(
  deps: Pick<AnnounceDeps, 'messages' | 'tickets' | 'citizens' | 'notes'>,
  conversation: Conversation,
  queue: OperatorQueueName,
  lang: Lang,
): Promise<ConversationAssignedFrame> {
  const event = conversation.escalation?.event;
  const [messages, ticket, citizen, notes] = await Promise.all([
    transcript(deps.messages, conversation.conversationId),
    conversation.ticketId ? deps.tickets.view(conversation.ticketId, lang) : undefined,
    deps.citizens.describe(conversation.sessionId),
    deps.notes?.list(conversation.conversationId),
  ]);
  const view: AssignedConversation = {
    conversationId: conversation.conversationId,
    state: 'operator',
    lang: event?.lang ?? lang,
    queue,
    ...(conversation.category ? { category: conversation.category } : {}),
    ...(event ? { reason: event.reason } : {}),
    ...(event?.intent ? { intent: event.intent } : {}),
    createdAt: conversation.createdAt,
    ...(conversation.queuedAt ? { queuedAt: conversation.queuedAt } : {}),
    assignedAt: conversation.assignedAt ?? conversation.updatedAt,
    ...(conversation.slaBreachedAt ? { slaBreached: true } : {}),
  };
  return fitAssignedFrame({
    type: 'conversation.assigned',
    conversation: view,
    ticket: ticket ?? null,
    intake: event?.intake ?? null,
    transcript: messages.map(toChatMessage),
    ...(notes === undefined ? {} : { notes }),
    citizen,
  });
}

/**
 * What one `conversation.assigned` may weigh: API Gateway refuses a WebSocket frame over 128 KB, and
 * a refused post would leave the operator with a conversation they never saw. The margin covers the
 * echoed requestId and JSON escaping differences.
 */
export const ASSIGNED_FRAME_BUDGET_BYTES = 120 * 1024;

/**
 * The frame as it is when it fits; else the newest messages and the newest notes that fit (notes
 * hold at most a quarter of it), saying what was left out (`transcriptFromSeq`, `notesOmitted`). The newest messages, the
 * intake, the ticket and the newest notes are what an operator needs first; the rest is one
 * `history.get` away.
 */
export function fitAssignedFrame(
  frame: ConversationAssignedFrame,
  budget = ASSIGNED_FRAME_BUDGET_BYTES,
): ConversationAssignedFrame {
  const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value), 'utf8');
  if (bytes(frame) <= budget) return frame;
  // Everything but the two lists, with room for the two fields that may be added.
  const fixed = bytes({ ...frame, transcript: [], notes: [], transcriptFromSeq: 0, notesOmitted: 0 });
  const notes = frame.notes ?? [];
  // Newest first: keep what fits, at least the last message (the one the operator must answer).
  const keepNewest = <T>(items: readonly T[], room: number, atLeast: number): T[] => {
    const kept: T[] = [];
    let used = 0;
    for (let i = items.length - 1; i >= 0; i -= 1) {
      const item = items[i] as T;
      const cost = bytes(item) + 1;
      if (kept.length >= atLeast && used + cost > room) break;
      kept.unshift(item);
      used += cost;
    }
    return kept;
  };
  const notesBytes = notes.reduce((sum, note) => sum + bytes(note) + 1, 0);
  // Messages come first; notes keep at most a quarter of the frame for themselves.
  const transcript = keepNewest(frame.transcript, budget - fixed - Math.min(notesBytes, budget / 4), 1);
  const transcriptBytes = transcript.reduce((sum, message) => sum + bytes(message) + 1, 0);
  const keptNotes = keepNewest(notes, budget - fixed - transcriptBytes, 0);
  const first = transcript[0];
  const { notes: _all, ...rest } = frame;
  return {
    ...rest,
    transcript,
    ...(first && first.seq > (frame.transcript[0]?.seq ?? 1) ? { transcriptFromSeq: first.seq } : {}),
    ...(frame.notes === undefined ? {} : { notes: keptNotes }),
    ...(keptNotes.length < notes.length ? { notesOmitted: notes.length - keptNotes.length } : {}),
  };
}

const TRANSCRIPT_PAGE = 100;

async function transcript(messages: MessageRepository, conversationId: string): Promise<StoredMessage[]> {
  const all: StoredMessage[] = [];
  let after = 0;
  for (;;) {
    const page = await messages.listAfter(conversationId, after, TRANSCRIPT_PAGE);
    all.push(...page.messages);
    const last = page.messages.at(-1);
    if (!page.hasMore || !last) return all;
    after = last.seq;
  }
}

/** The waiting citizens of `queues` get their new positions; online operators the new `queue.stats`. */
export async function announceQueues(deps: AnnounceDeps, queues: Iterable<OperatorQueueName>): Promise<void> {
  const online = await deps.operators.listOnline();
  await Promise.all([...queues].map((queue) => tellPositions(deps, queue, online)));
  await broadcastStats(deps, online);
}

async function tellPositions(
  deps: AnnounceDeps,
  queue: OperatorQueueName,
  online: readonly Operator[],
): Promise<void> {
  const heads = await deps.line.first(queue, deps.settings.queuePositionUpdates);
  // The index may lag a write: only conversations that (read consistently) still wait here are told.
  const live = (await Promise.all(heads.map((h) => deps.conversations.get(h.conversationId)))).filter(
    (c): c is Conversation => c?.state === 'queued' && c.queue === queue,
  );
  const slots = servingSlots(online, queue);
  await Promise.all(
    live.map(async (conversation, index) => {
      const connections = citizenSide(await deps.connections.listByPrincipal(conversation.sessionId));
      await postToAll(
        deps,
        connections,
        queuedUpdate(
          conversation,
          index + 1,
          estimatedWaitSeconds(index + 1, slots, deps.settings.averageHandleSeconds),
        ),
      );
    }),
  );
}

/**
 * Tells a waiting citizen their place, unless (read consistently) the conversation left that queue
 * entry meanwhile — an operator took it in between — so a late "queued" never follows "operator".
 */
export async function tellWaitingCitizen(
  deps: Pick<AnnounceDeps, 'conversations' | 'connections' | 'notifier'>,
  waiting: { conversationId: string; entryId: string },
  place: { queuePosition: number; etaSeconds: number },
): Promise<void> {
  const current = await deps.conversations.get(waiting.conversationId);
  if (current?.state !== 'queued' || current.queueEntryId !== waiting.entryId) return;
  const connections = citizenSide(await deps.connections.listByPrincipal(current.sessionId));
  await postToAll(deps, connections, queuedUpdate(current, place.queuePosition, place.etaSeconds));
}

/** `conversation.updated` for a waiting citizen. */
function queuedUpdate(
  conversation: Pick<Conversation, 'conversationId' | 'ticketId' | 'ticketNumber'>,
  queuePosition: number,
  etaSeconds: number,
): ConversationUpdatedFrame {
  return {
    type: 'conversation.updated',
    conversationId: conversation.conversationId,
    state: 'queued',
    queuePosition,
    etaSeconds,
    ...ticketRef(conversation),
  };
}

function ticketRef(conversation: Pick<Conversation, 'ticketId' | 'ticketNumber'>) {
  return conversation.ticketId && conversation.ticketNumber
    ? { ticket: { ticketId: conversation.ticketId, number: conversation.ticketNumber } }
    : {};
}

/** Connections of citizens only: a principal that is a session id is never an operator's, but be sure. */
function citizenSide(connections: Connection[]): Connection[] {
  return connections.filter((c) => c.role === 'guest' || c.role === 'citizen');
}

/** `queue.stats` of every queue, from the waiting line. */
export async function readQueueStats(
  deps: Pick<AnnounceDeps, 'line' | 'clock'>,
): Promise<Omit<QueueStatsFrame, 'requestId'>> {
  const now = deps.clock.now().getTime();
  const stats = await Promise.all(
    OPERATOR_QUEUES.map(async (queue) => {
      const { waiting, oldestQueuedAt } = await deps.line.stat(queue);
      const oldestSeconds = oldestQueuedAt
        ? Math.max(0, Math.round((now - Date.parse(oldestQueuedAt)) / 1000))
        : 0;
      return [queue, { waiting, oldestSeconds }] as const;
    }),
  );
  return { type: 'queue.stats', byQueue: Object.fromEntries(stats) };
}

/** Pushes `queue.stats` to every connection of every online operator. */
async function broadcastStats(deps: AnnounceDeps, online: readonly Operator[]): Promise<void> {
  if (online.length === 0) return;
  const frame: PushedFrame = await readQueueStats(deps);
  const lists = await Promise.all(online.map((o) => deps.connections.listByPrincipal(o.operatorId)));
  await postToAll(
    deps,
    lists.flat().filter((c) => c.role === 'operator' || c.role === 'senior'),
    frame,
  );
}

/** Parses a queue name from storage (a conversation's `queue`/`assignedQueue`), falling back to `general`. */
export function queueNamed(value: string | undefined): OperatorQueueName {
  const parsed = operatorQueueSchema.safeParse(value);
  return parsed.success ? parsed.data : 'general';
}
