/**
 * The `conversation.assigned` frame: the operator's view of a conversation given to them — the whole
 * transcript, the intake, the ticket, the notes, the citizen — and its fitting to what one WebSocket
 * frame may weigh (`fitAssignedFrame`: the newest messages and notes that fit, saying what was
 * left out; the rest is one `history.get` away).
 */

import type { Lang } from '#events/lang.ts';
import type { AssignedConversation, ConversationAssignedFrame } from '#events/operator-frames.ts';
import type { Conversation } from '../conversations.ts';
import { type StoredMessage, toChatMessage } from '../messages.ts';
import type { OperatorQueueName } from '../operator-roster.ts';
import type { AssignmentTickets, CitizenDirectory } from '../ports/assignment.ts';
import type { MessageRepository, NoteRepository } from '../ports/conversations.ts';
import { breachedThisStay } from '../sla.ts';
import { type Ticket, ticketView } from '../tickets.ts';

/** What building the frame reads. */
export interface AssignedFrameDeps {
  messages: MessageRepository;
  tickets: Pick<AssignmentTickets, 'view'>;
  citizens: CitizenDirectory;
  /** The conversation's internal notes (the desk's), shown to whoever is assigned it next. */
  notes?: Pick<NoteRepository, 'list'>;
}

/** The operator's view of an assigned conversation: the whole transcript, the intake, the ticket, the citizen. */
export async function assignedFrame(
  deps: AssignedFrameDeps,
  conversation: Conversation,
  queue: OperatorQueueName,
  lang: Lang,
  /** The conversation's ticket as the caller just had it (the assignment's move): not read again. */
  known?: Ticket,
): Promise<ConversationAssignedFrame> {
  const event = conversation.escalation?.event;
  const ticketId = conversation.ticketId;
  const [messages, ticket, citizen, notes] = await Promise.all([
    transcript(deps.messages, conversation.conversationId),
    known !== undefined && known.ticketId === ticketId
      ? ticketView(known, lang, 'staff')
      : ticketId
        ? deps.tickets.view(ticketId, lang)
        : undefined,
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
    ...(breachedThisStay(conversation) ? { slaBreached: true } : {}),
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
