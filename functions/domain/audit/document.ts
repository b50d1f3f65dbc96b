/**
 * One audit export as a document: its header (who asked, when, why, for what) and its content, a
 * record of conversations and tickets or a stretch of the access journal. The files of an export
 * are rendered from it: `export.json` (this, as JSON), `transcript.html` and the SHA-256 manifest
 * (./files.ts).
 */
import type { JournalEntry } from '../access-journal.ts';
import type { AuditScope, ConversationRecord, TicketRecord, TimelineEvent } from './record.ts';

export const AUDIT_FORMAT = 'support-chat-audit/1';

export interface AuditHeader {
  format: typeof AUDIT_FORMAT;
  exportId: string;
  generatedAt: string;
  /** Who asked for it (the platform engineer's name or IAM principal, as given). */
  requestedBy: string;
  /** Why (a case or request reference). */
  reason: string;
  scope: AuditScope;
}

export type AuditDocument =
  | (AuditHeader & {
      content: 'conversations';
      conversations: ConversationRecord[];
      /** Tickets without a conversation in scope (portal tickets), with their transitions. */
      tickets: (TicketRecord & { timeline: TimelineEvent[] })[];
    })
  | (AuditHeader & { content: 'journal'; entries: JournalEntry[] });

/** How much an export holds: for the caller's answer and the journal, never its content. */
export interface AuditCounts {
  conversations: number;
  tickets: number;
  messages: number;
  transitions: number;
  assignments: number;
  transfers: number;
  notes: number;
  attachments: number;
  journalEntries: number;
}

export function countsOf(document: AuditDocument): AuditCounts {
  const counts: AuditCounts = {
    conversations: 0,
    tickets: 0,
    messages: 0,
    transitions: 0,
    assignments: 0,
    transfers: 0,
    notes: 0,
    attachments: 0,
    journalEntries: 0,
  };
  if (document.content === 'journal') return { ...counts, journalEntries: document.entries.length };
  const timelines = [
    ...document.conversations.map((c) => c.timeline),
    ...document.tickets.map((t) => t.timeline),
  ];
  counts.conversations = document.conversations.length;
  counts.tickets = document.tickets.length + document.conversations.reduce((n, c) => n + c.tickets.length, 0);
  for (const event of timelines.flat()) {
    if (event.kind === 'message') {
      counts.messages += 1;
      counts.attachments += event.attachments.length;
    } else if (event.kind === 'ticket_transition') counts.transitions += 1;
    else if (event.kind === 'assignment') counts.assignments += 1;
    else if (event.kind === 'transfer') counts.transfers += 1;
    else counts.notes += 1;
  }
  return counts;
}
