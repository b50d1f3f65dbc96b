/**
 * Use case: someone is typing in a conversation (`typing`); the other side is told.
 *
 * Primary course:
 *  1. Read the conversation. An operator must be its assigned operator (NOT_FOUND / CONFLICT /
 *     FORBIDDEN as for `operator.reply`); a citizen must own it (NOT_FOUND / FORBIDDEN).
 *  2. Find the other side: for the operator, the citizen's session; for the citizen, the assigned
 *     operator — none while the conversation is with the bot or queued, and then nothing is relayed.
 *  3. Claim the relay for this conversation and side for the interval (one conditional write): a
 *     client that sends `typing` on every keystroke causes one push per interval, not one per key.
 *  4. Push `typing` {conversationId, from} to the other side's connections.
 * Nothing is answered: `typing` has no reply; errors are answered as for any frame.
 */
import type { Caller } from '#events/authorizer-context.ts';
import type { TypingEventFrame } from '#events/desk-frames.ts';
import { isStaff, requireAssignedTo, requireCitizensOwn } from '../ownership.ts';
import type { ConversationRepository } from '../ports/conversations.ts';
import type { ConnectionNotifier, RelayThrottle } from '../ports/delivery.ts';
import type { ConnectionRepository } from '../ports/sessions.ts';
import type { Clock } from '../ports/system.ts';
import { type Delivery, postToAll } from './post-frames.ts';

export interface RelayTypingDeps {
  conversations: ConversationRepository;
  connections: ConnectionRepository;
  notifier: ConnectionNotifier;
  throttle: RelayThrottle;
  clock: Clock;
  /** At most one relay per conversation and side per this many milliseconds (TYPING_RELAY_INTERVAL_MS). */
  intervalMs: number;
}

export type TypingOutcome =
  | { status: 'relayed'; delivery: Delivery }
  | { status: 'throttled' }
  | { status: 'nobody'; reason: 'no-operator' };

export async function relayTyping(
  deps: RelayTypingDeps,
  input: { caller: Caller; conversationId: string },
): Promise<TypingOutcome> {
  const { caller } = input;
  const read = await deps.conversations.get(input.conversationId);
  let from: TypingEventFrame['from'];
  let recipient: string;
  if (isStaff(caller)) {
    const conversation = requireAssignedTo(read, caller);
    from = 'operator';
    recipient = conversation.sessionId;
  } else {
    const conversation = requireCitizensOwn(read, caller);
    if (conversation.state !== 'operator' || conversation.operatorId === undefined) {
      return { status: 'nobody', reason: 'no-operator' };
    }
    from = 'citizen';
    recipient = conversation.operatorId;
  }
  const claimed = await deps.throttle.claim(
    `typing#${input.conversationId}#${from}`,
    deps.intervalMs,
    deps.clock.now(),
  );
  if (!claimed) return { status: 'throttled' };
  const frame: TypingEventFrame = { type: 'typing', conversationId: input.conversationId, from };
  const [delivery] = await postToAll(deps, await deps.connections.listByPrincipal(recipient), frame);
  return { status: 'relayed', delivery };
}
