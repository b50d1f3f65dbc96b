/**
 * Use case: the operator who holds a conversation learns at once that its citizen just identified
 * (`auth.verifyCode`), without waiting for the next assignment: `conversation.citizen`
 * {conversationId, citizen} to each of their connections, the card as `conversation.assigned` draws
 * it — verified, the masked phone of a phone identification, their tickets (the portal ones filed
 * under the proven contact among them, once claimed).
 *
 * Primary course:
 *  1. Read the session: verified, with an open conversation.
 *  2. Read that conversation: held by an operator (`state` operator).
 *  3. Describe the citizen and list the operator's connections, at once; post the frame to each.
 * A conversation with the bot or in line has nobody to tell: nothing is posted (the card is drawn
 * from the session when it is assigned). A post that fails is not retried: the card is right again
 * at the next `conversation.assigned` (a reconnect, a reload).
 */
import type { ConversationCitizenFrame } from '#events/operator-frames.ts';
import type { CitizenDirectory } from '../ports/assignment.ts';
import type { ConversationRepository } from '../ports/conversations.ts';
import type { ConnectionNotifier } from '../ports/delivery.ts';
import type { ConnectionRepository, SessionRepository } from '../ports/sessions.ts';
import { postToAll } from './post-frames.ts';

export interface TellDeskCitizenVerifiedDeps {
  sessions: Pick<SessionRepository, 'get'>;
  conversations: Pick<ConversationRepository, 'get'>;
  citizens: CitizenDirectory;
  connections: Pick<ConnectionRepository, 'listByPrincipal' | 'delete'>;
  notifier: ConnectionNotifier;
}

/** How many of the operator's connections got the card; 0 when no operator holds the conversation. */
export async function tellDeskCitizenVerified(
  deps: TellDeskCitizenVerifiedDeps,
  sessionId: string,
): Promise<number> {
  const session = await deps.sessions.get(sessionId);
  if (session?.verified !== true || !session.openConversationId) return 0;
  const conversation = await deps.conversations.get(session.openConversationId);
  const operatorId = conversation?.state === 'operator' ? conversation.operatorId : undefined;
  if (!conversation || !operatorId) return 0;
  const [citizen, connections] = await Promise.all([
    deps.citizens.describe(sessionId),
    deps.connections.listByPrincipal(operatorId),
  ]);
  const frame: ConversationCitizenFrame = {
    type: 'conversation.citizen',
    conversationId: conversation.conversationId,
    citizen,
  };
  const [delivery] = await postToAll(deps, connections, frame);
  return delivery.delivered;
}
