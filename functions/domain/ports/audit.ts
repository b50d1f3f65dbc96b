/**
 * The ports of the audit export: where its content is read from (the tables, through their
 * adapters) and where its files are written (the audit bucket, under Object Lock in AWS).
 */
import type { InternalNote } from '#events/desk-frames.ts';
import type { Attachment } from '../attachments.ts';
import type { AssignmentRecord } from '../audit/record.ts';
import type { Conversation } from '../conversations.ts';
import type { StoredMessage } from '../messages.ts';
import type { Ticket } from '../tickets.ts';

export interface AuditSource {
  conversation(conversationId: string): Promise<Conversation | undefined>;
  ticketByNumber(number: string): Promise<Ticket | undefined>;
  /** Conversations created in `[from, to)`. */
  conversationsCreatedBetween(from: Date, to: Date): Promise<Conversation[]>;
  /** Tickets created in `[from, to)`. */
  ticketsCreatedBetween(from: Date, to: Date): Promise<Ticket[]>;
  /** Every live message of the conversation, in seq order. */
  messages(conversationId: string): Promise<StoredMessage[]>;
  /** Its internal notes and transfers, oldest first. */
  notes(conversationId: string): Promise<InternalNote[]>;
  /** Every ticket opened in the conversation. */
  ticketsOf(conversation: Conversation): Promise<Ticket[]>;
  /** The attachments of these ids that still exist. */
  attachments(attachmentIds: readonly string[]): Promise<Attachment[]>;
  /** The conversation's assignments to operators, from its creation to its last change. */
  assignmentsOf(conversation: Conversation): Promise<AssignmentRecord[]>;
}

/** A stored export: where its files are. */
export interface ArchivedExport {
  /** `s3://bucket/exports/{exportId}/` */
  location: string;
}

export interface AuditArchive {
  /** Writes the files under `exports/{exportId}/` (in AWS: retained under the bucket's Object Lock). */
  store(
    exportId: string,
    files: readonly { name: string; contentType: string; body: Uint8Array; sha256: string }[],
  ): Promise<ArchivedExport>;
}
