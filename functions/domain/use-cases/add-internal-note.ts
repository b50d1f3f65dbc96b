/**
 * Use case: the assigned operator writes an internal note on a conversation (`operator.note`).
 *
 * Primary course:
 *  1. Normalise the text (trimmed, 1–4000 characters, else BAD_REQUEST / PAYLOAD_TOO_LARGE).
 *  2. Read the conversation: unknown → NOT_FOUND, closed → CONFLICT, not with the caller → FORBIDDEN.
 *  3. Store the note in NotesTable (conversation, time, note id, the operator) — not in the
 *     conversation's messages: it takes no `seq`, so the citizen's history has no gap and cannot
 *     contain it, and nothing pushes it to the citizen.
 *  4. Answer `note.ack`. Operators who get the conversation later read the notes with it.
 */
import type { Caller } from '#events/authorizer-context.ts';
import type { InternalNote, NoteAckFrame } from '#events/desk-frames.ts';
import { normalizeMessageText } from '../messages.ts';
import { displayNameOf, requireAssignedTo } from '../ownership.ts';
import type { ConversationRepository, NoteRepository } from '../ports/conversations.ts';
import type { Clock, IdGenerator } from '../ports/system.ts';
import { expiresAfterDays } from '../retention.ts';

export interface AddInternalNoteDeps {
  conversations: ConversationRepository;
  notes: NoteRepository;
  clock: Clock;
  ids: IdGenerator;
  retentionDays: number;
}

export interface AddInternalNoteInput {
  caller: Caller;
  conversationId: string;
  text: string;
}

export async function addInternalNote(
  deps: AddInternalNoteDeps,
  input: AddInternalNoteInput,
): Promise<NoteAckFrame> {
  const text = normalizeMessageText(input.text);
  const conversation = requireAssignedTo(await deps.conversations.get(input.conversationId), input.caller);
  const now = deps.clock.now();
  const note: InternalNote = {
    conversationId: conversation.conversationId,
    noteId: deps.ids.newId(),
    kind: 'note',
    text,
    ts: now.toISOString(),
    operator: { operatorId: input.caller.principalId, displayName: displayNameOf(input.caller) },
  };
  await deps.notes.add({ ...note, expiresAt: expiresAfterDays(now, deps.retentionDays) });
  return { type: 'note.ack', conversationId: note.conversationId, noteId: note.noteId, ts: note.ts };
}
