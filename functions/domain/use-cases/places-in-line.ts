/**
 * Places in line and queue statistics: what waiting citizens and online operators are told about
 * the waiting line. After a run moved a queue (`announceQueues`), the first QUEUE_POSITION_UPDATES
 * citizens still waiting in it get `conversation.updated` {queued, queuePosition, etaSeconds} and
 * every online operator `queue.stats`; `tellWaitingCitizen` tells one citizen their place (an
 * arrival, a move); `readQueueStats` is the `queue.stats` answer.
 */

import type { QueueStatsFrame } from '#events/operator-frames.ts';
import type { ConversationUpdatedFrame } from '#events/server-frames.ts';
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
import type { OperatorRepository } from '../ports/operator-roster.ts';
import type { ConnectionRepository } from '../ports/sessions.ts';
import type { Clock } from '../ports/system.ts';
import type { Connection } from '../sessions.ts';
import { postToAll } from './bot-turns.ts';
import { servingSlots } from './queue-estimate.ts';

/** What telling places and stats needs. */
export interface PlacesInLineDeps {
  operators: Pick<OperatorRepository, 'listOnline'>;
  line: WaitingLine;
  conversations: ConversationRepository;
  connections: ConnectionRepository;
  notifier: ConnectionNotifier;
  clock: Clock;
  settings: { averageHandleSeconds: number; queuePositionUpdates: number };
}

/** The waiting citizens of `queues` get their new positions; online operators the new `queue.stats`. */
export async function announceQueues(
  deps: PlacesInLineDeps,
  queues: Iterable<OperatorQueueName>,
): Promise<void> {
  const online = await deps.operators.listOnline();
  await Promise.all([...queues].map((queue) => tellPositions(deps, queue, online)));
  await broadcastStats(deps, online);
}

async function tellPositions(
  deps: PlacesInLineDeps,
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

/** Pushes `queue.stats` to every connection of every online operator. */
async function broadcastStats(deps: PlacesInLineDeps, online: readonly Operator[]): Promise<void> {
  if (online.length === 0) return;
  const frame: PushedFrame = await readQueueStats(deps);
  const lists = await Promise.all(online.map((o) => deps.connections.listByPrincipal(o.operatorId)));
  await postToAll(
    deps,
    lists.flat().filter((c) => c.role === 'operator' || c.role === 'senior'),
    frame,
  );
}
