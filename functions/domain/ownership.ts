/**
 * Ownership: whose conversation is whose. An operator works only on a conversation the
 * assignment gave them (state `operator`, `operatorId` = their Cognito `sub`); a citizen
 * only on their own (their `citizenId`, or as a guest their session). Roles are the central
 * policy's business (frameRoute); these rules check ownership only.
 */
import type { Caller } from '#events/authorizer-context.ts';
import type { Conversation } from './conversations.ts';
import { ChatError } from './errors.ts';

/**
 * The conversation, if the caller is its assigned operator. Unknown or expired → NOT_FOUND; closed →
 * CONFLICT (nothing can be added to it any more); anyone else's, or one no longer with the caller
 * (transferred, released) → FORBIDDEN.
 */
export function requireAssignedTo(conversation: Conversation | undefined, caller: Caller): Conversation {
  if (!conversation) throw new ChatError('NOT_FOUND');
  if (conversation.state === 'closed') throw new ChatError('CONFLICT');
  if (!isAssignedTo(conversation, caller.principalId)) throw new ChatError('FORBIDDEN');
  return conversation;
}

export function isAssignedTo(conversation: Conversation, operatorId: string): boolean {
  return conversation.state === 'operator' && conversation.operatorId === operatorId;
}

/**
 * A citizen's own conversation: theirs by `citizenId` once verified, else (a guest) by session.
 * Unknown → NOT_FOUND; anyone else's → FORBIDDEN.
 */
export function requireCitizensOwn(conversation: Conversation | undefined, caller: Caller): Conversation {
  if (!conversation) throw new ChatError('NOT_FOUND');
  const byCitizen = caller.citizenId !== undefined && conversation.citizenId === caller.citizenId;
  if (!byCitizen && conversation.sessionId !== caller.sessionId) throw new ChatError('FORBIDDEN');
  return conversation;
}

/** Staff (operator or senior) act on the desk side of a conversation; everyone else is the citizen. */
export function isStaff(caller: Caller): boolean {
  return caller.role === 'operator' || caller.role === 'senior';
}

/** The name citizens and colleagues see for the caller (the authorizer's `displayName`). */
export function displayNameOf(caller: Caller): string {
  return caller.displayName ?? caller.principalId;
}
