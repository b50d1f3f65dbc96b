/**
 * Places in line and queue statistics: what waiting citizens and online operators are told about
 * the waiting line, at a cost per event that does not grow with the line or the operators online.
 *
 * An event that changes the line (an arrival, an assignment, a move, an operator coming or going)
 * only asks for the line tick (`announceQueues` → `requestLineTick`): one conditional write of the
 * next period's tick item (LINE_TICK_SECONDS), and for the one caller whose write wins, one delayed
 * `line.tick` on the timer queue. So a period has one tick at most, however many events ask.
 *
 * The tick (`runLineTick`, from the timer consumer) claims its period once more (a repeated
 * delivery does nothing), then:
 *  1. reads the operators online, the numbers of every queue (`readQueueStats`) and what the last
 *     tick told;
 *  2. `queue.stats` to every online operator's connections, one frame each, only when the numbers
 *     changed (`oldestSeconds` grows while anyone waits: then every tick);
 *  3. the first QUEUE_POSITION_UPDATES citizens waiting in each queue: those whose place or wait
 *     changed since the last tick, re-read consistently (the index may lag: one just taken is never
 *     told "queued"), get `conversation.updated` {queued, queuePosition, etaSeconds};
 *  4. records what it told, and while anyone still waits asks for the next period's tick.
 * `tellWaitingCitizen` tells one citizen their place at once (an arrival, a move: they need their
 * ticket number and place now); `readQueueStats` is also the `queue.stats` answer.
 */

import type { QueueStatsFrame } from '#events/operator-frames.ts';
import type { ConversationUpdatedFrame } from '#events/server-frames.ts';
import type { LineTick } from '#events/timers.ts';
import type { Conversation } from '../conversations.ts';
import {
  estimatedWaitSeconds,
  OPERATOR_QUEUES,
  type Operator,
  type OperatorQueueName,
} from '../operator-roster.ts';
import type { WaitingLine } from '../ports/assignment.ts';
import type { ConversationRepository } from '../ports/conversations.ts';
import type { ConnectionNotifier, PushedFrame } from '../ports/delivery.ts';
import type { LineTicks } from '../ports/line-ticks.ts';
import type { OperatorRepository } from '../ports/operator-roster.ts';
import type { ConnectionRepository } from '../ports/sessions.ts';
import type { Clock } from '../ports/system.ts';
import type { TimerQueue } from '../ports/timers.ts';
import type { Connection } from '../sessions.ts';
import { postToAll } from './post-frames.ts';
import { servingSlots } from './queue-estimate.ts';

/** What asking for the line tick needs. */
export interface LineTickRequestDeps {
  ticks: Pick<LineTicks, 'claimSchedule' | 'releaseSchedule'>;
  timers: TimerQueue;
  clock: Clock;
  settings: { lineTickSeconds: number };
}

/** What telling places and stats needs. */
export interface PlacesInLineDeps extends LineTickRequestDeps {
  operators: Pick<OperatorRepository, 'listOnline'>;
  line: WaitingLine;
  conversations: ConversationRepository;
  connections: ConnectionRepository;
  notifier: ConnectionNotifier;
  ticks: LineTicks;
  settings: { averageHandleSeconds: number; queuePositionUpdates: number; lineTickSeconds: number };
}

/**
 * The line changed (in `queues`, or anywhere): the waiting citizens get their new places and the
 * online operators the new `queue.stats` at the next line tick (see the header). The tick reads
 * every queue, so `queues` only says what moved.
 */
export async function announceQueues(
  deps: LineTickRequestDeps,
  _queues: Iterable<OperatorQueueName>,
): Promise<void> {
  await requestLineTick(deps);
}

/**
 * Asks for the tick of the next period (starting after now): one conditional write; the one caller
 * whose write wins schedules it. True when this call scheduled it.
 */
export async function requestLineTick(deps: LineTickRequestDeps): Promise<boolean> {
  const periodMs = deps.settings.lineTickSeconds * 1000;
  const now = deps.clock.now();
  const startMs = (Math.floor(now.getTime() / periodMs) + 1) * periodMs;
  const periodStart = new Date(startMs).toISOString();
  if (!(await deps.ticks.claimSchedule(periodStart, now))) return false;
  const tick: LineTick = { kind: 'line.tick', periodStart, dueAt: periodStart };
  try {
    await deps.timers.schedule(tick, (startMs - now.getTime()) / 1000);
  } catch (error) {
    // Unscheduled, the claim would keep every later request of this period away.
    await deps.ticks.releaseSchedule(periodStart).catch(() => undefined);
    throw error;
  }
  return true;
}

export type LineTickOutcome =
  | { status: 'stale' }
  | { status: 'ticked'; statsFrames: number; placesTold: number; waiting: number; next: boolean };

/** The line tick of `periodStart` (see the header): runs once per period whatever delivers it. */
export async function runLineTick(deps: PlacesInLineDeps, periodStart: string): Promise<LineTickOutcome> {
  if (!(await deps.ticks.claimRun(periodStart, deps.clock.now()))) return { status: 'stale' };
  const [online, stats, last] = await Promise.all([
    deps.operators.listOnline(),
    readQueueStats(deps),
    deps.ticks.lastTold(),
  ]);
  const numbers = JSON.stringify(stats.byQueue);
  const statsFrames = numbers === last?.stats ? 0 : await broadcastStats(deps, online, stats);
  const places: Record<string, string> = {};
  const waitingIn = OPERATOR_QUEUES.filter((queue) => (stats.byQueue[queue]?.waiting ?? 0) > 0);
  const told = await Promise.all(
    waitingIn.map((queue) => tellChangedPlaces(deps, queue, online, last?.places ?? {}, places)),
  );
  await deps.ticks.saveTold({ periodStart, stats: numbers, places }, deps.clock.now());
  // While anyone waits their wait grows and the stats change: the next tick is due. Once nobody
  // waits, nothing changes until an event, and every event asks for a tick.
  const next = waitingIn.length > 0 && (await requestLineTick(deps));
  return {
    status: 'ticked',
    statsFrames,
    placesTold: told.reduce((sum, n) => sum + n, 0),
    waiting: Object.values(stats.byQueue).reduce((sum, q) => sum + q.waiting, 0),
    next,
  };
}

/**
 * The first QUEUE_POSITION_UPDATES of `queue`: each one's place (`places`, to be recorded), and
 * those whose place or wait changed since `before` are told. How many were told.
 */
async function tellChangedPlaces(
  deps: PlacesInLineDeps,
  queue: OperatorQueueName,
  online: readonly Operator[],
  before: Readonly<Record<string, string>>,
  places: Record<string, string>,
): Promise<number> {
  const heads = await deps.line.first(queue, deps.settings.queuePositionUpdates);
  const slots = servingSlots(online, queue);
  const changed = heads.flatMap((head, index) => {
    const queuePosition = index + 1;
    const etaSeconds = estimatedWaitSeconds(queuePosition, slots, deps.settings.averageHandleSeconds);
    const place = `${queuePosition}:${etaSeconds}`;
    places[head.conversationId] = place;
    return before[head.conversationId] === place ? [] : [{ head, queuePosition, etaSeconds }];
  });
  const told = await Promise.all(
    changed.map(async ({ head, queuePosition, etaSeconds }) => {
      // The index may lag a write: only a conversation that (read consistently) still waits here is told.
      const conversation = await deps.conversations.get(head.conversationId);
      if (conversation?.state !== 'queued' || conversation.queue !== queue) {
        delete places[head.conversationId];
        return 0;
      }
      const connections = citizenSide(await deps.connections.listByPrincipal(conversation.sessionId));
      await postToAll(deps, connections, queuedUpdate(conversation, queuePosition, etaSeconds));
      return 1;
    }),
  );
  return told.reduce<number>((sum, n) => sum + n, 0);
}

/**
 * Tells a waiting citizen their place, unless (read consistently) the conversation left that queue
 * entry meanwhile — an operator took it in between — so a late "queued" never follows "operator".
 */
export async function tellWaitingCitizen(
  deps: Pick<PlacesInLineDeps, 'conversations' | 'connections' | 'notifier'>,
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

export function ticketRef(conversation: Pick<Conversation, 'ticketId' | 'ticketNumber'>) {
  return conversation.ticketId && conversation.ticketNumber
    ? { ticket: { ticketId: conversation.ticketId, number: conversation.ticketNumber } }
    : {};
}

/** Connections of citizens only: a principal that is a session id is never an operator's, but be sure. */
export function citizenSide(connections: Connection[]): Connection[] {
  return connections.filter((c) => c.role === 'guest' || c.role === 'citizen');
}

/** `queue.stats` of every queue, from the waiting line. */
export async function readQueueStats(
  deps: Pick<PlacesInLineDeps, 'line' | 'clock'>,
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

/** Pushes `stats` to every connection of every online operator: how many frames went out. */
async function broadcastStats(
  deps: PlacesInLineDeps,
  online: readonly Operator[],
  stats: Omit<QueueStatsFrame, 'requestId'>,
): Promise<number> {
  if (online.length === 0) return 0;
  const frame: PushedFrame = stats;
  const lists = await Promise.all(online.map((o) => deps.connections.listByPrincipal(o.operatorId)));
  const staff = lists.flat().filter((c) => c.role === 'operator' || c.role === 'senior');
  await postToAll(deps, staff, frame);
  return staff.length;
}
