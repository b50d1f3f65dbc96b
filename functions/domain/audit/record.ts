/**
 * What an audit export holds (docs/requirements.md#audit-and-personal-data): for each conversation
 * every message (with its attachment references), every ticket transition, assignment, transfer and
 * internal note, with its time and actor, in one timeline in the order they happened; and the
 * tickets filed without a conversation (the portal form). Built from what is stored, never from
 * what a client said it saw. The same record renders as JSON and as the HTML transcript.
 */
import type { MessageAuthor } from '#events/chat-message.ts';
import type { InternalNote } from '#events/desk-frames.ts';
import type { Attachment } from '../attachments.ts';
import type { Conversation } from '../conversations.ts';
import type { StoredMessage } from '../messages.ts';
import type { Ticket, TicketActorKind, TicketStatus } from '../tickets.ts';

/** What one export covers. */
export type AuditScope =
  | { kind: 'ticket'; number: string }
  | { kind: 'conversation'; conversationId: string }
  | { kind: 'period'; from: string; to: string }
  | { kind: 'journal'; from: string; to: string }
  /** A verified citizen's own download (`transcript.get`). */
  | { kind: 'citizen' };

/** The scope in words, with ids and times only (it goes into the access journal). */
export function describeScope(scope: AuditScope): string {
  switch (scope.kind) {
    case 'ticket':
      return `ticket ${scope.number}`;
    case 'conversation':
      return `conversation ${scope.conversationId}`;
    case 'period':
      return `conversations and tickets created ${scope.from} – ${scope.to}`;
    case 'journal':
      return `access journal ${scope.from} – ${scope.to}`;
    case 'citizen':
      return "a citizen's own conversations and tickets";
  }
}

/** An attachment as the regulator sees it named in a message: its id, name, type, size and fate. */
export interface AttachmentReference {
  attachmentId: string;
  fileName?: string;
  contentType?: string;
  size?: number;
  /** `ready`, `rejected`, `pending`, or `expired` when its item is gone (retention). */
  status: Attachment['status'] | 'expired';
  /** Where its bytes are (attachments bucket), for a ready one. */
  key?: string;
}

/** An assignment of the conversation to an operator (the SLA records of docs/architecture.md). */
export interface AssignmentRecord {
  queue: string;
  queuedAt: string;
  assignedAt: string;
  /** Absent on assignments recorded before the operator was written with them. */
  operatorId?: string;
  breached: boolean;
}

export type TimelineEvent =
  | {
      kind: 'message';
      at: string;
      seq: number;
      from: MessageAuthor;
      /** sessionId of a citizen, `sub` of an operator, `bot`. */
      actorId: string;
      actorName?: string;
      text: string;
      attachments: AttachmentReference[];
    }
  | {
      kind: 'ticket_transition';
      at: string;
      ticketNumber: string;
      status: TicketStatus;
      actor: TicketActorKind;
      actorId?: string;
      note?: string;
      /** Staff only (an SLA breach): left out of the citizen's transcript. */
      staffNote?: string;
    }
  | { kind: 'assignment'; at: string; queue: string; queuedAt: string; actorId?: string; breached: boolean }
  | { kind: 'transfer'; at: string; actorId: string; actorName: string; to: string; reason: string }
  | { kind: 'note'; at: string; actorId: string; actorName: string; text: string };

export interface ConversationRecord {
  conversationId: string;
  sessionId: string;
  citizenId?: string;
  state: Conversation['state'];
  category?: string;
  createdAt: string;
  updatedAt: string;
  tickets: TicketRecord[];
  timeline: TimelineEvent[];
}

export interface TicketRecord {
  ticketId: string;
  number: string;
  status: TicketStatus;
  category: string;
  source: Ticket['source'];
  conversationId?: string;
  createdAt: string;
  updatedAt: string;
  intake?: Ticket['intake'];
  contact?: Ticket['contact'];
  feedback?: Ticket['feedback'];
}

/** Everything one conversation's record is built from, as read from the tables. */
export interface ConversationSources {
  conversation: Conversation;
  messages: readonly StoredMessage[];
  notes: readonly InternalNote[];
  tickets: readonly Ticket[];
  attachments: readonly Attachment[];
  assignments: readonly AssignmentRecord[];
}

/** Same time: the transition that caused a message comes first, then the message, then the rest. */
const RANK: Record<TimelineEvent['kind'], number> = {
  ticket_transition: 0,
  assignment: 1,
  message: 2,
  transfer: 3,
  note: 4,
};

export function ticketRecord(ticket: Ticket): TicketRecord {
  return {
    ticketId: ticket.ticketId,
    number: ticket.number,
    status: ticket.status,
    category: ticket.category,
    source: ticket.source,
    ...(ticket.conversationId === undefined ? {} : { conversationId: ticket.conversationId }),
    createdAt: ticket.createdAt,
    updatedAt: ticket.updatedAt,
    ...(ticket.intake === undefined ? {} : { intake: ticket.intake }),
    ...(ticket.contact === undefined ? {} : { contact: ticket.contact }),
    ...(ticket.feedback === undefined ? {} : { feedback: ticket.feedback }),
  };
}

export function ticketTransitions(ticket: Ticket): TimelineEvent[] {
  return ticket.history.map((entry) => ({
    kind: 'ticket_transition',
    at: entry.at,
    ticketNumber: ticket.number,
    status: entry.status,
    actor: entry.actor,
    ...(entry.actorId === undefined ? {} : { actorId: entry.actorId }),
    ...(entry.note === undefined ? {} : { note: entry.note }),
    ...(entry.staffNote === undefined ? {} : { staffNote: entry.staffNote }),
  }));
}

/** The conversation's timeline: every event by time; messages keep their `seq` order among themselves. */
export function conversationRecord(sources: ConversationSources): ConversationRecord {
  const { conversation } = sources;
  const attachments = new Map(sources.attachments.map((a) => [a.attachmentId, a]));
  const reference = (attachmentId: string): AttachmentReference => {
    const found = attachments.get(attachmentId);
    if (!found) return { attachmentId, status: 'expired' };
    return {
      attachmentId,
      fileName: found.fileName,
      contentType: found.contentType,
      size: found.size,
      status: found.status,
      ...(found.status === 'ready' ? { key: found.key } : {}),
    };
  };
  const events: TimelineEvent[] = [
    ...sources.messages.map(
      (m): TimelineEvent => ({
        kind: 'message',
        at: m.ts,
        seq: m.seq,
        from: m.from,
        actorId: m.senderId,
        ...(m.operatorName === undefined ? {} : { actorName: m.operatorName }),
        text: m.text,
        attachments: (m.attachments ?? []).map(reference),
      }),
    ),
    ...sources.tickets.flatMap(ticketTransitions),
    ...sources.assignments.map(
      (a): TimelineEvent => ({
        kind: 'assignment',
        at: a.assignedAt,
        queue: a.queue,
        queuedAt: a.queuedAt,
        ...(a.operatorId === undefined ? {} : { actorId: a.operatorId }),
        breached: a.breached,
      }),
    ),
    ...sources.notes.map(
      (n): TimelineEvent =>
        n.kind === 'transfer'
          ? {
              kind: 'transfer',
              at: n.ts,
              actorId: n.operator.operatorId,
              actorName: n.operator.displayName,
              to: n.to ?? 'unknown',
              reason: n.text,
            }
          : {
              kind: 'note',
              at: n.ts,
              actorId: n.operator.operatorId,
              actorName: n.operator.displayName,
              text: n.text,
            },
    ),
  ];
  return {
    conversationId: conversation.conversationId,
    sessionId: conversation.sessionId,
    ...(conversation.citizenId === undefined ? {} : { citizenId: conversation.citizenId }),
    state: conversation.state,
    ...(conversation.category === undefined ? {} : { category: conversation.category }),
    createdAt: conversation.createdAt,
    updatedAt: conversation.updatedAt,
    tickets: sources.tickets.map(ticketRecord),
    timeline: inOrder(events),
  };
}

/** By time; at the same time by kind ({@link RANK}); messages by seq. Stable otherwise. */
export function inOrder(events: readonly TimelineEvent[]): TimelineEvent[] {
  return [...events].sort((a, b) => {
    if (a.at !== b.at) return a.at < b.at ? -1 : 1;
    if (a.kind !== b.kind) return RANK[a.kind] - RANK[b.kind];
    return a.kind === 'message' && b.kind === 'message' ? a.seq - b.seq : 0;
  });
}
