/**
 * The assignment flow as integration tests drive it on the local stack: a citizen who asks for a
 * person and skips the intake, staff signed in through the local Cognito, and the frames that
 * tell an operator a conversation is theirs.
 */
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import type { useClients } from './clients.ts';
import { frameWith } from './frames.ts';
import { createAndSignIn } from './operator-sign-in.ts';
import type { ChatClient, Frame } from './ws-client.ts';

/**
 * The citizen writes about signing in, waits for the bot's answer, presses "operator" and, if the
 * bot asks the intake questions, skips them all. Returns the conversation and the bot's answer.
 */
export async function askForPerson(citizen: ChatClient): Promise<{ conversationId: string; answer: Frame }> {
  await citizen.request({
    action: 'message.send',
    clientMessageId: 'c-1',
    text: 'не могу войти в личный кабинет',
  });
  const answer = await frameWith(citizen, (f) => f.type === 'message' && f.from === 'bot');
  const requested = await citizen.request({ action: 'operator.request' });
  const conversationId = String(requested.conversationId);
  if (requested.state === 'bot') {
    // The intake's first question (a bot message without an intent), then skip the rest.
    await frameWith(citizen, (f) => f.type === 'message' && f.from === 'bot' && f.intent === undefined);
    await citizen.request({ action: 'message.send', clientMessageId: 'c-2', text: 'пропустить всё' });
  }
  return { conversationId, answer };
}

/** `askForPerson`, then the `conversation.updated` that tells the citizen its ticket (queued). */
export async function queuedCitizen(
  citizen: ChatClient,
): Promise<{ conversationId: string; answer: Frame; update: Frame }> {
  const { conversationId, answer } = await askForPerson(citizen);
  const update = await frameWith(
    citizen,
    (f) => f.type === 'conversation.updated' && f.conversationId === conversationId && f.ticket !== undefined,
  );
  return { conversationId, answer, update };
}

/** A fresh operator or senior of the local Cognito (user name `<prefix><role>-<random>`), connected. */
export async function staffMember(
  clients: ReturnType<typeof useClients>,
  role: 'operator' | 'senior',
  prefix = '',
): Promise<{ client: ChatClient; sub: string; username: string; token: string }> {
  const username = `${prefix}${role}-${randomUUID().slice(0, 8)}`;
  const signed = await createAndSignIn(inject('localHttpUrl'), username, [role]);
  return {
    client: await clients.connect({ token: signed.idToken, lang: 'ru' }),
    sub: signed.sub,
    username,
    token: signed.idToken,
  };
}

/** The operator's `operator.status` online with these skills and room for `maxChats`; its answer. */
export function goOnline(operator: ChatClient, skills: string[] = ['general', 'auth'], maxChats = 20) {
  return operator.request({ action: 'operator.status', status: 'online', skills, maxChats });
}

/** Matches the `conversation.assigned` of this conversation. */
export const assignedFor = (conversationId: string) => (f: Frame) =>
  f.type === 'conversation.assigned' &&
  (f.conversation as { conversationId?: unknown } | undefined)?.conversationId === conversationId;

/**
 * What a console does on `conversation.assigned`: answers it with `conversation.accept` (within
 * ACCEPT_SECONDS, else it goes back to the line and the operator is set away). Returns the assigned
 * frame of this conversation; its acceptance must be `conversation.accepted`.
 *
 * The line is shared by the whole run and offers the longest wait first: conversations earlier
 * tests left waiting come before this one, up to `maxChats` of them. Each is accepted and its
 * ticket completed at once, which frees the slot for the next offer, until this conversation's
 * comes; left unanswered, they would fill the slots, expire and set the operator away.
 */
export async function takeAssigned(
  operator: ChatClient,
  conversationId: string,
  timeoutMs = 15_000,
): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  const handled = takenBy(operator);
  for (;;) {
    const assigned = await frameWith(
      operator,
      (f) => isAssigned(f) && !handled.has(assignedId(f)),
      Math.max(1, deadline - Date.now()),
    );
    const id = assignedId(assigned);
    handled.add(id);
    const accepted = await operator.request({ action: 'conversation.accept', conversationId: id });
    if (id === conversationId) {
      if (accepted.type !== 'conversation.accepted') {
        throw new Error(`conversation.accept was not accepted: ${JSON.stringify(accepted)}`);
      }
      return assigned;
    }
    const ticketId = (assigned.ticket as { ticketId?: unknown } | null | undefined)?.ticketId;
    if (accepted.type === 'conversation.accepted' && typeof ticketId === 'string') {
      await operator.request({ action: 'ticket.setStatus', ticketId, status: 'completed' });
    }
  }
}

/**
 * The conversations each client has taken or cleared away: a later `takeAssigned` on the same client
 * must not take one of them for a leftover (its frames stay in `client.frames`).
 */
const taken = new WeakMap<ChatClient, Set<string>>();
function takenBy(client: ChatClient): Set<string> {
  let ids = taken.get(client);
  if (!ids) {
    ids = new Set();
    taken.set(client, ids);
  }
  return ids;
}

const isAssigned = (f: Frame) => f.type === 'conversation.assigned';

function assignedId(f: Frame): string {
  return String((f.conversation as { conversationId?: unknown } | undefined)?.conversationId);
}
