/**
 * Use case: a message of the escalation queue arrives. It names the conversation and the attempt
 * only (events/escalation.ts `EscalationMessage`); the escalation — its category, reason and the
 * intake, the citizen's words — is the one the conversation carries (`escalation`), written with
 * the conversation's move to `queued` before the message was sent.
 *
 * Primary course:
 *  1. Read the conversation. Gone → nothing to do. It carries no escalation of this attempt (its
 *     citizen's data was erased, which removes the escalation; or a later escalation replaced it)
 *     → the message is dropped: nothing of it is opened or queued.
 *  2. Admit that escalation (`admitEscalation`: the ticket, the operator queue, the offer).
 */
import type { EscalationMessage } from '#events/escalation.ts';
import { type AdmitEscalationDeps, type AdmitOutcome, admitEscalation } from './admit-escalation.ts';

export type ReceiveOutcome = AdmitOutcome | { status: 'skipped'; why: 'no_escalation' };

export async function receiveEscalation(
  deps: AdmitEscalationDeps,
  message: EscalationMessage,
): Promise<ReceiveOutcome> {
  const conversation = await deps.conversations.get(message.conversationId);
  if (!conversation) return { status: 'skipped', why: 'unknown_conversation' };
  const event = conversation.escalation?.event;
  if (event?.attempt !== message.attempt) return { status: 'skipped', why: 'no_escalation' };
  return admitEscalation(deps, event, conversation);
}
