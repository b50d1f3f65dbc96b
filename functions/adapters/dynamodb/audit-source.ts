/**
 * The audit export's reading of the tables (`AuditSource`), through the repositories the chat
 * itself uses, plus what only an export needs: a period's conversations and tickets (a Scan with a
 * filter on `createdAt`: no index serves "created between" and an export is rare; it reads the
 * table once, page by page), every message of a conversation, and its assignments (SlaTable).
 */
import type { Attachment } from '#domain/attachments.ts';
import type { AssignmentRecord } from '#domain/audit/record.ts';
import type { Conversation } from '#domain/conversations.ts';
import type { StoredMessage } from '#domain/messages.ts';
import type { AuditSource } from '#domain/ports/audit.ts';
import type { Ticket } from '#domain/tickets.ts';
import type { InternalNote } from '#events/desk-frames.ts';
import { paginateScan } from '#shared/aws-sdk/lib-dynamodb.ts';
import { DynamoAttachmentRepository } from './attachment-repository.ts';
import { DynamoConversationRepository } from './conversation-repository.ts';
import { documentClient, nowSeconds } from './document-client.ts';
import { conversationItem } from './item-schemas.ts';
import { DynamoMessageRepository } from './message-repository.ts';
import { DynamoNoteRepository } from './note-repository.ts';
import { DynamoSlaRecords } from './sla-records.ts';
import { ticketItem } from './ticket-items.ts';
import { DynamoTicketRepository } from './ticket-repository.ts';

export interface AuditTables {
  conversationsTable: string;
  messagesTable: string;
  ticketsTable: string;
  attachmentsTable: string;
  /** Needed for internal notes and transfers (an export; a citizen's own transcript has none). */
  notesTable?: string;
  /** Needed for assignments (an export; a citizen's own transcript has none). */
  slaTable?: string;
}

/** Messages read per query: a conversation of thousands is read in a few round trips. */
const MESSAGE_PAGE = 500;
/** Keys per BatchGetItem of attachments (DynamoDB's limit is 100). */
const ATTACHMENT_BATCH = 100;
/** Tickets per index page when collecting a session's. */
const TICKET_PAGE = 100;

export class DynamoAuditSource implements AuditSource {
  private readonly conversations: DynamoConversationRepository;
  private readonly messageRepository: DynamoMessageRepository;
  private readonly tickets: DynamoTicketRepository;
  private readonly attachmentRepository: DynamoAttachmentRepository;

  constructor(private readonly tables: AuditTables) {
    this.conversations = new DynamoConversationRepository(tables.conversationsTable);
    this.messageRepository = new DynamoMessageRepository(tables.messagesTable);
    this.tickets = new DynamoTicketRepository({ ticketsTable: tables.ticketsTable });
    this.attachmentRepository = new DynamoAttachmentRepository({ attachmentsTable: tables.attachmentsTable });
  }

  conversation(conversationId: string): Promise<Conversation | undefined> {
    return this.conversations.get(conversationId);
  }

  ticketByNumber(number: string): Promise<Ticket | undefined> {
    return this.tickets.getByNumber(number);
  }

  async conversationsCreatedBetween(from: Date, to: Date): Promise<Conversation[]> {
    const items = await this.scanCreatedBetween(this.tables.conversationsTable, from, to);
    return items.map((item) => conversationItem.parse(item));
  }

  async ticketsCreatedBetween(from: Date, to: Date): Promise<Ticket[]> {
    // Number claims have no createdAt: the filter leaves them out.
    const items = await this.scanCreatedBetween(this.tables.ticketsTable, from, to);
    return items.map((item) => ticketItem.parse(item));
  }

  async messages(conversationId: string): Promise<StoredMessage[]> {
    const messages: StoredMessage[] = [];
    for (let hasMore = true; hasMore; ) {
      const page = await this.messageRepository.listAfter(
        conversationId,
        messages.at(-1)?.seq ?? 0,
        MESSAGE_PAGE,
      );
      messages.push(...page.messages);
      hasMore = page.hasMore;
    }
    return messages;
  }

  notes(conversationId: string): Promise<InternalNote[]> {
    return new DynamoNoteRepository(this.required('notesTable')).list(conversationId);
  }

  async ticketsOf(conversation: Conversation): Promise<Ticket[]> {
    const found = new Map<string, Ticket>();
    let before: { createdAt: string; ticketId: string } | undefined;
    for (let exhausted = false; !exhausted; ) {
      const page = await this.tickets.pageBySession(conversation.sessionId, {
        limit: TICKET_PAGE,
        ...(before ? { before } : {}),
      });
      for (const ticket of page.tickets)
        if (ticket.conversationId === conversation.conversationId) found.set(ticket.ticketId, ticket);
      const last = page.tickets.at(-1);
      before = last ? { createdAt: last.createdAt, ticketId: last.ticketId } : undefined;
      exhausted = page.exhausted || last === undefined;
    }
    if (conversation.ticketId && !found.has(conversation.ticketId)) {
      const ticket = await this.tickets.get(conversation.ticketId);
      if (ticket) found.set(ticket.ticketId, ticket);
    }
    return [...found.values()].sort((a, b) => (a.createdAt < b.createdAt ? -1 : 1));
  }

  async attachments(attachmentIds: readonly string[]): Promise<Attachment[]> {
    const found: Attachment[] = [];
    for (let i = 0; i < attachmentIds.length; i += ATTACHMENT_BATCH) {
      found.push(...(await this.attachmentRepository.getMany(attachmentIds.slice(i, i + ATTACHMENT_BATCH))));
    }
    return found;
  }

  async assignmentsOf(conversation: Conversation): Promise<AssignmentRecord[]> {
    // Only read here: the retention applies to what it writes.
    const sla = new DynamoSlaRecords({ slaTable: this.required('slaTable'), retentionDays: 1 });
    const records = await sla.assignmentsOf(
      conversation.conversationId,
      new Date(conversation.createdAt),
      new Date(conversation.updatedAt),
    );
    return records.map(({ queue, queuedAt, assignedAt, operatorId, breached }) => ({
      queue,
      queuedAt,
      assignedAt,
      breached,
      ...(operatorId === undefined ? {} : { operatorId }),
    }));
  }

  private required(table: 'notesTable' | 'slaTable'): string {
    const name = this.tables[table];
    if (name === undefined) throw new Error(`DynamoAuditSource: ${table} is not configured`);
    return name;
  }

  private async scanCreatedBetween(table: string, from: Date, to: Date): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    const pages = paginateScan(
      { client: documentClient },
      {
        TableName: table,
        FilterExpression: 'createdAt >= :from AND createdAt < :to AND expiresAt >= :now',
        ExpressionAttributeValues: {
          ':from': from.toISOString(),
          ':to': to.toISOString(),
          ':now': nowSeconds(),
        },
        ConsistentRead: true,
      },
    );
    for await (const page of pages) items.push(...(page.Items ?? []));
    return items;
  }
}
