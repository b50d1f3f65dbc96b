/**
 * Tickets in TicketsTable (key `ticketId`; indexes `byCitizen`, `bySession`) and the claims on their
 * numbers (`ticketId` = `number#<number>`, same table). Creation writes the ticket and its claim in
 * one transaction, each on `attribute_not_exists`, so neither a ticket id (idempotent retries) nor a
 * number (uniqueness) can be taken twice. Transitions are conditional on the version and status
 * read, so of two concurrent changes exactly one is written.
 */
import type {
  TicketCreateOutcome,
  TicketPage,
  TicketPageQuery,
  TicketRepository,
  TransitionEffects,
} from '#domain/ports/tickets.ts';
import { isExpired } from '#domain/retention.ts';
import { newestFirst, type Ticket, type TicketFeedback, type TicketStatus } from '#domain/tickets.ts';
import { ConditionalCheckFailedException } from '#shared/aws-sdk/client-dynamodb.ts';
import {
  GetCommand,
  paginateQuery,
  TransactWriteCommand,
  UpdateCommand,
} from '#shared/aws-sdk/lib-dynamodb.ts';
import { conditionally, documentClient } from './document-client.ts';
import { ticketItem, ticketNumberClaimItem } from './ticket-items.ts';
import { conditionFailedAt, readCancellation, type TransactItem } from './transactions.ts';

const TICKETS_BY_CITIZEN_INDEX = 'byCitizen';
const TICKETS_BY_SESSION_INDEX = 'bySession';
const TICKETS_BY_STATUS_INDEX = 'byStatus';
const TICKETS_BY_CONTACT_INDEX = 'byContact';

/** The key of the claim item on a ticket number. */
export function numberClaimKey(number: string): string {
  return `number#${number}`;
}

export interface TicketTables {
  ticketsTable: string;
  /**
   * Conversations get the ticket's id, and are closed with their ticket. Only writers of tickets
   * need it (reading routes have no grant on ConversationsTable).
   */
  conversationsTable?: string;
}

export class DynamoTicketRepository implements TicketRepository {
  constructor(private readonly tables: TicketTables) {}

  async create(ticket: Ticket): Promise<TicketCreateOutcome> {
    const items: TransactItem[] = [
      {
        Put: {
          TableName: this.tables.ticketsTable,
          Item: ticket,
          ConditionExpression: 'attribute_not_exists(ticketId)',
        },
      },
      {
        Put: {
          TableName: this.tables.ticketsTable,
          Item: {
            ticketId: numberClaimKey(ticket.number),
            claimOf: ticket.ticketId,
            expiresAt: ticket.expiresAt,
          },
          ConditionExpression: 'attribute_not_exists(ticketId)',
        },
      },
    ];
    try {
      await documentClient.send(new TransactWriteCommand({ TransactItems: items }));
      return { status: 'created' };
    } catch (error) {
      const cancellation = readCancellation(error);
      if (conditionFailedAt(cancellation, 0)) {
        const existing = await this.get(ticket.ticketId);
        // Gone between the failed put and this read only if it expired: then it is a new ticket's turn.
        if (existing) return { status: 'exists', existing };
        throw error;
      }
      if (conditionFailedAt(cancellation, 1)) return { status: 'number_taken' };
      throw error;
    }
  }

  async get(ticketId: string): Promise<Ticket | undefined> {
    if (ticketId.startsWith('number#')) return undefined;
    const { Item } = await documentClient.send(
      new GetCommand({ TableName: this.tables.ticketsTable, Key: { ticketId }, ConsistentRead: true }),
    );
    if (!Item) return undefined;
    const ticket = ticketItem.parse(Item);
    return isExpired(ticket, new Date()) ? undefined : ticket;
  }

  async getByNumber(number: string): Promise<Ticket | undefined> {
    const { Item } = await documentClient.send(
      new GetCommand({
        TableName: this.tables.ticketsTable,
        Key: { ticketId: numberClaimKey(number) },
        ConsistentRead: true,
      }),
    );
    if (!Item) return undefined;
    return this.get(ticketNumberClaimItem.parse(Item).claimOf);
  }

  pageByCitizen(citizenId: string, query: TicketPageQuery): Promise<TicketPage> {
    return this.page(TICKETS_BY_CITIZEN_INDEX, 'citizenId', citizenId, query);
  }

  pageBySession(sessionId: string, query: TicketPageQuery): Promise<TicketPage> {
    return this.page(TICKETS_BY_SESSION_INDEX, 'sessionId', sessionId, query);
  }

  pageByStatus(status: TicketStatus, query: Omit<TicketPageQuery, 'status'>): Promise<TicketPage> {
    // The index lags behind transitions: a ticket that moved on since is not listed under its old status.
    return this.page(TICKETS_BY_STATUS_INDEX, 'status', status, { ...query, status });
  }

  async listByContact(contactId: string): Promise<Ticket[]> {
    const now = new Date();
    const tickets: Ticket[] = [];
    const pages = paginateQuery(
      { client: documentClient },
      {
        TableName: this.tables.ticketsTable,
        IndexName: TICKETS_BY_CONTACT_INDEX,
        KeyConditionExpression: 'contactId = :contactId',
        ExpressionAttributeValues: { ':contactId': contactId },
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        const ticket = ticketItem.parse(item);
        if (!isExpired(ticket, now)) tickets.push(ticket);
      }
    }
    return tickets;
  }

  async claimForCitizen(ticketId: string, citizenId: string): Promise<boolean> {
    return conditionally(() =>
      documentClient.send(
        new UpdateCommand({
          TableName: this.tables.ticketsTable,
          Key: { ticketId },
          UpdateExpression: 'SET citizenId = :citizenId, version = version + :one REMOVE contactId',
          ConditionExpression: 'contactId = :citizenId',
          ExpressionAttributeValues: { ':citizenId': citizenId, ':one': 1 },
        }),
      ),
    );
  }

  async replace(
    next: Ticket,
    expected: Ticket,
    effects: TransitionEffects = {},
  ): Promise<'replaced' | 'conflict'> {
    const items: TransactItem[] = [this.transitionUpdate(next, expected)];
    const { closeConversationId, whileAssigned } = effects;
    const assigned =
      whileAssigned === undefined
        ? undefined
        : {
            condition: 'operatorId = :operatorId',
            values: { ':operatorId': whileAssigned.operatorId },
          };
    if (closeConversationId !== undefined) {
      const checksAssignment = assigned && whileAssigned?.conversationId === closeConversationId;
      items.push({
        Update: {
          TableName: this.conversationsTable(),
          Key: { conversationId: closeConversationId },
          // A closed conversation leaves its operator queue (the sparse `byQueueLine` index) too.
          UpdateExpression: 'SET #state = :closed, updatedAt = :at, closedAt = :at REMOVE #queue, queuedAt',
          ConditionExpression: `attribute_exists(conversationId)${checksAssignment ? ` AND ${assigned.condition}` : ''}`,
          ExpressionAttributeNames: { '#state': 'state', '#queue': 'queue' },
          ExpressionAttributeValues: {
            ':closed': 'closed',
            ':at': next.updatedAt,
            ...(checksAssignment ? assigned.values : {}),
          },
        },
      });
    }
    if (assigned && whileAssigned && whileAssigned.conversationId !== closeConversationId) {
      items.push({
        ConditionCheck: {
          TableName: this.conversationsTable(),
          Key: { conversationId: whileAssigned.conversationId },
          ConditionExpression: assigned.condition,
          ExpressionAttributeValues: assigned.values,
        },
      });
    }
    try {
      await documentClient.send(new TransactWriteCommand({ TransactItems: items }));
      return 'replaced';
    } catch (error) {
      // A failed condition or a concurrent transaction: the ticket or the conversation changed.
      if (readCancellation(error) !== undefined) return 'conflict';
      throw error;
    }
  }

  async recordFeedback(ticketId: string, feedback: TicketFeedback): Promise<'recorded' | 'conflict'> {
    try {
      await documentClient.send(
        new UpdateCommand({
          TableName: this.tables.ticketsTable,
          Key: { ticketId },
          UpdateExpression: 'SET feedback = :feedback, version = version + :one',
          ConditionExpression:
            'attribute_exists(ticketId) AND #status = :completed AND attribute_not_exists(feedback)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':feedback': feedback, ':completed': 'completed', ':one': 1 },
        }),
      );
      return 'recorded';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'conflict';
      throw error;
    }
  }

  async linkConversation(
    conversationId: string,
    ticketId: string,
    attempt: number,
  ): Promise<'linked' | 'gone'> {
    try {
      await documentClient.send(
        new UpdateCommand({
          TableName: this.conversationsTable(),
          Key: { conversationId },
          UpdateExpression: 'SET ticketId = :ticketId, ticketAttempt = :attempt',
          ConditionExpression:
            'attribute_exists(conversationId) AND (attribute_not_exists(ticketAttempt) OR ticketAttempt <= :attempt)',
          ExpressionAttributeValues: { ':ticketId': ticketId, ':attempt': attempt },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return 'linked';
    } catch (error) {
      // Failed with an item: a later escalation's ticket is linked already, which is the one to keep.
      if (error instanceof ConditionalCheckFailedException) return error.Item ? 'linked' : 'gone';
      throw error;
    }
  }

  private conversationsTable(): string {
    const name = this.tables.conversationsTable;
    if (name === undefined) throw new Error('DynamoTicketRepository was built without conversationsTable');
    return name;
  }

  /**
   * Only the fields a transition changes, so whatever else lives on the item is left alone; the
   * condition is the optimistic lock (version) and the status the rules were checked against.
   */
  private transitionUpdate(next: Ticket, expected: Ticket): TransactItem {
    const added = next.history.slice(expected.history.length);
    const set = [
      '#status = :status',
      'updatedAt = :updatedAt',
      'version = :version',
      'expiresAt = :expiresAt',
      'history = list_append(history, :added)',
    ];
    const remove: string[] = [];
    const values: Record<string, unknown> = {
      ':status': next.status,
      ':updatedAt': next.updatedAt,
      ':version': next.version,
      ':expiresAt': next.expiresAt,
      ':added': added,
      ':expectedVersion': expected.version,
      ':expectedStatus': expected.status,
    };
    for (const field of ['waitingFor', 'rejectReason'] as const) {
      const value = next[field];
      if (value === undefined) remove.push(field);
      else {
        set.push(`${field} = :${field}`);
        values[`:${field}`] = value;
      }
    }
    return {
      Update: {
        TableName: this.tables.ticketsTable,
        Key: { ticketId: next.ticketId },
        UpdateExpression: `SET ${set.join(', ')}${remove.length > 0 ? ` REMOVE ${remove.join(', ')}` : ''}`,
        ConditionExpression: 'version = :expectedVersion AND #status = :expectedStatus',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: values,
      },
    };
  }

  /**
   * Up to `limit` tickets of one index partition, newest first, older than `before` (by creation,
   * then id: two tickets created in the same millisecond are both listed, once). Reads DynamoDB
   * pages of `limit + 1` until the page is full or the partition ends.
   */
  private async page(
    indexName: string,
    attribute: string,
    value: string,
    query: TicketPageQuery,
  ): Promise<TicketPage> {
    const { before, limit, status } = query;
    const now = new Date();
    const tickets: Ticket[] = [];
    const pages = paginateQuery(
      { client: documentClient, pageSize: limit + 1 },
      {
        TableName: this.tables.ticketsTable,
        IndexName: indexName,
        KeyConditionExpression: `#key = :value${before === undefined ? '' : ' AND createdAt <= :before'}`,
        ExpressionAttributeNames: { '#key': attribute },
        ExpressionAttributeValues: {
          ':value': value,
          ...(before === undefined ? {} : { ':before': before.createdAt }),
        },
        ScanIndexForward: false,
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        const ticket = ticketItem.parse(item);
        if (isExpired(ticket, now)) continue;
        if (status !== undefined && ticket.status !== status) continue;
        if (before !== undefined && !isOlderThan(ticket, before)) continue;
        // Full: the page ends here unless this one is as old as the last taken (the index does not
        // order those by id), so every ticket of the boundary millisecond is sorted before the cut.
        if (tickets.length >= limit && ticket.createdAt !== tickets.at(-1)?.createdAt) {
          return { tickets: newestFirst(tickets).slice(0, limit), exhausted: false };
        }
        tickets.push(ticket);
      }
    }
    const sorted = newestFirst(tickets);
    return { tickets: sorted.slice(0, limit), exhausted: sorted.length <= limit };
  }
}

/** Whether `ticket` comes after `position` in newest-first order (older, or as old with a smaller id). */
function isOlderThan(ticket: Ticket, position: { createdAt: string; ticketId: string }): boolean {
  if (ticket.createdAt !== position.createdAt) return ticket.createdAt < position.createdAt;
  return ticket.ticketId < position.ticketId;
}
