/**
 * A citizen's data across the tables and the attachments bucket (`CitizenRecords`): found by their
 * citizen id and destination key, then removed or anonymised as functions/domain/erasure.ts says.
 * Erasure is rare and must miss nothing, so where no index leads to an item (conversations of a
 * session, idempotency keys and limit counters naming a session or conversation) it Scans the
 * table with a filter, page by page. Every step is idempotent and the steps are ordered so that an
 * erasure that failed half-way is run again and finishes (`erase`). Logs nothing of what it reads.
 */

import {
  anonymisedConversation,
  anonymisedTicket,
  type CitizenIdentity,
  type ErasureCounts,
} from '#domain/erasure.ts';
import type { ConnectionCloser } from '#domain/ports/delivery.ts';
import type { CitizenFootprint, CitizenRecords, ClosedConversation } from '#domain/ports/erasure.ts';
import type { PushEndpointRegistry } from '#domain/ports/out-of-band.ts';
import { ConditionalCheckFailedException } from '#shared/aws-sdk/client-dynamodb.ts';
import { DeleteObjectsCommand, paginateListObjectsV2, S3Client } from '#shared/aws-sdk/client-s3.ts';
import {
  BatchWriteCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  paginateQuery,
  paginateScan,
  UpdateCommand,
} from '#shared/aws-sdk/lib-dynamodb.ts';
import { conditionally, documentClient } from './document-client.ts';
import { conversationItem } from './item-schemas.ts';
import { ticketItem } from './ticket-items.ts';
import { DynamoVisitRepository } from './visit-repository.ts';

export interface CitizenTables {
  sessionsTable: string;
  connectionsTable: string;
  conversationsTable: string;
  messagesTable: string;
  notesTable: string;
  ticketsTable: string;
  attachmentsTable: string;
  pushDevicesTable: string;
  verificationCodesTable: string;
  idempotencyTable: string;
  limitsTable: string;
  /** MFC visits: the citizen's visits (index `byCitizen`) and quotas (visit-repository.ts). */
  visitsTable: string;
  attachmentsBucket: string;
}

type Key = Record<string, unknown>;

/** DynamoDB's most per BatchWriteItem. */
const BATCH = 25;
/** Ids per Scan filter (`IN` takes at most 100 operands; `contains` terms keep the expression short). */
const FILTER_TERMS = 20;
/** Tries of a batch DynamoDB left partly unprocessed (throttled) before giving up. */
const MAX_BATCH_ATTEMPTS = 8;

const chunks = <T>(items: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

export class DynamoCitizenRecords implements CitizenRecords {
  private readonly s3: S3Client;
  private readonly visits: DynamoVisitRepository;

  constructor(
    private readonly tables: CitizenTables,
    private readonly endpoints: Pick<PushEndpointRegistry, 'deleteEndpoint'>,
    private readonly connections: ConnectionCloser,
    options: {
      pathStyle?: boolean;
      /** The S3 client; a test hands one that answers a fault the emulator cannot produce. */
      s3?: S3Client;
    } = {},
  ) {
    this.s3 = options.s3 ?? new S3Client({ forcePathStyle: options.pathStyle ?? false });
    this.visits = new DynamoVisitRepository(tables.visitsTable);
  }

  async find(identity: CitizenIdentity): Promise<CitizenFootprint> {
    const sessionIds = await this.scanIds(
      this.tables.sessionsTable,
      'sessionId',
      'citizenId = :c OR pendingDestinationKey = :d',
      { ':c': identity.citizenId, ':d': identity.destinationKey },
    );
    const tickets = new Set<string>();
    const conversations = new Set<string>();
    const byIndex = async (indexName: string, attribute: string, value: string) => {
      for await (const page of paginateQuery(
        { client: documentClient },
        {
          TableName: this.tables.ticketsTable,
          IndexName: indexName,
          KeyConditionExpression: '#a = :v',
          ExpressionAttributeNames: { '#a': attribute },
          ExpressionAttributeValues: { ':v': value },
        },
      )) {
        for (const item of page.Items ?? []) {
          tickets.add(String(item.ticketId));
          if (typeof item.conversationId === 'string') conversations.add(item.conversationId);
        }
      }
    };
    await byIndex('byCitizen', 'citizenId', identity.citizenId);
    await byIndex('byContact', 'contactId', identity.citizenId);
    for (const sessionId of sessionIds) await byIndex('bySession', 'sessionId', sessionId);
    for (const id of await this.scanIds(this.tables.conversationsTable, 'conversationId', 'citizenId = :c', {
      ':c': identity.citizenId,
    }))
      conversations.add(id);
    for (const group of chunks(sessionIds, FILTER_TERMS)) {
      const values = Object.fromEntries(group.map((id, i) => [`:s${i}`, id]));
      const filter = `sessionId IN (${Object.keys(values).join(', ')})`;
      for (const id of await this.scanIds(this.tables.conversationsTable, 'conversationId', filter, values))
        conversations.add(id);
    }
    return { sessionIds, conversationIds: [...conversations], ticketIds: [...tickets] };
  }

  /** The same write a ticket's final move makes (ticket-repository.ts), on the condition it is still open. */
  async close(conversationId: string, at: Date): Promise<ClosedConversation | undefined> {
    try {
      const { Attributes } = await documentClient.send(
        new UpdateCommand({
          TableName: this.tables.conversationsTable,
          Key: { conversationId },
          UpdateExpression: 'SET #state = :closed, updatedAt = :at, closedAt = :at REMOVE #queue, queuedAt',
          ConditionExpression: 'attribute_exists(conversationId) AND #state <> :closed',
          ExpressionAttributeNames: { '#state': 'state', '#queue': 'queue' },
          ExpressionAttributeValues: { ':closed': 'closed', ':at': at.toISOString() },
          ReturnValues: 'ALL_OLD',
        }),
      );
      return Attributes ? { before: conversationItem.parse(Attributes), closedNow: true } : undefined;
    } catch (error) {
      // Closed already (its ticket's final move, or an earlier run), or no such conversation.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const { Item } = await documentClient.send(
        new GetCommand({
          TableName: this.tables.conversationsTable,
          Key: { conversationId },
          ConsistentRead: true,
        }),
      );
      return Item ? { before: conversationItem.parse(Item), closedNow: false } : undefined;
    }
  }

  /**
   * The order is what lets a failed run be finished by running it again: every step finds its items
   * from what the later steps remove. First the citizen's sockets are closed (their conversations
   * were closed before this: nothing new is written); then what is keyed by the ids of their
   * sessions, conversations and visits (messages, notes, attachments and their bytes, transcripts,
   * idempotency keys, limit counters), their visits and quotas, push devices and the verification
   * record; then the conversations and tickets are anonymised (which unlinks them from the sessions);
   * the sessions, which `find` starts from, are deleted last.
   */
  async erase(
    identity: CitizenIdentity,
    footprint: CitizenFootprint,
    erasedAt: Date,
  ): Promise<ErasureCounts> {
    const counts: ErasureCounts = {
      sessions: 0,
      connections: 0,
      conversations: 0,
      messages: 0,
      notes: 0,
      tickets: 0,
      attachments: 0,
      objects: 0,
      pushDevices: 0,
      verificationRecords: 0,
      idempotencyKeys: 0,
      limitCounters: 0,
      visits: 0,
      visitQuotas: 0,
      visitRequests: 0,
    };
    for (const sessionId of footprint.sessionIds) {
      const connectionIds: string[] = [];
      for await (const page of paginateQuery(
        { client: documentClient },
        {
          TableName: this.tables.connectionsTable,
          IndexName: 'byPrincipal',
          KeyConditionExpression: 'principalId = :p',
          ExpressionAttributeValues: { ':p': sessionId },
        },
      ))
        for (const item of page.Items ?? []) connectionIds.push(String(item.connectionId));
      // The citizen's open sockets are closed: nothing of theirs stays on a screen it could reach.
      for (const connectionId of connectionIds) await this.connections.close(connectionId);
      counts.connections += await this.deleteKeys(
        this.tables.connectionsTable,
        connectionIds.map((connectionId) => ({ connectionId })),
      );
    }
    for (const conversationId of footprint.conversationIds) {
      const attachmentIds = new Set<string>();
      const messageKeys: Key[] = [];
      for await (const page of this.queryKeys(
        this.tables.messagesTable,
        'conversationId',
        conversationId,
        'seq',
        'attachments',
      )) {
        for (const item of page) {
          messageKeys.push({ conversationId, seq: item.seq });
          for (const id of (item.attachments as string[] | undefined) ?? []) attachmentIds.add(id);
        }
      }
      const noteKeys: Key[] = [];
      for await (const page of this.queryKeys(
        this.tables.notesTable,
        'conversationId',
        conversationId,
        'noteKey',
      ))
        for (const item of page) noteKeys.push({ conversationId, noteKey: item.noteKey });
      const objectKeys = await this.listObjects(`attachments/${conversationId}/`);
      for (const key of objectKeys) attachmentIds.add(key.slice(key.lastIndexOf('/') + 1));
      for (const id of await this.scanIds(
        this.tables.attachmentsTable,
        'attachmentId',
        'conversationId = :c',
        { ':c': conversationId },
      ))
        attachmentIds.add(id);

      // The bytes before the items that name them, the messages (which name the attachments) last.
      counts.objects += await this.deleteObjects(objectKeys);
      counts.attachments += await this.deleteKeys(
        this.tables.attachmentsTable,
        [...attachmentIds].map((attachmentId) => ({ attachmentId })),
      );
      counts.notes += await this.deleteKeys(this.tables.notesTable, noteKeys);
      counts.messages += await this.deleteKeys(this.tables.messagesTable, messageKeys);
    }
    counts.objects += await this.deleteObjects(await this.listObjects(`transcripts/${identity.citizenId}/`));

    const visits = await this.visits.listAllByCitizen(identity.citizenId);
    const named = [
      ...footprint.sessionIds,
      ...footprint.conversationIds,
      ...visits.map((visit) => `visit#${visit.number}#`),
      identity.citizenId,
      identity.destinationKey,
    ];
    counts.idempotencyKeys += await this.deleteNaming(this.tables.idempotencyTable, 'key', named);
    counts.limitCounters += await this.deleteNaming(this.tables.limitsTable, 'key', named);
    counts.limitCounters += await this.forgetSessionsInCounters(footprint.sessionIds);
    for (const visit of visits) if (await this.visits.forget(visit, erasedAt)) counts.visits += 1;
    const forgotten = await this.visits.forgetQuotas(identity.citizenId);
    counts.visitQuotas += forgotten.quotas;
    counts.visitRequests += forgotten.requests;

    const owners = [`citizen#${identity.citizenId}`, ...footprint.sessionIds.map((id) => `session#${id}`)];
    for (const ownerKey of owners) {
      for await (const page of this.queryKeys(
        this.tables.pushDevicesTable,
        'ownerKey',
        ownerKey,
        'deviceKey',
        'endpointArn',
      )) {
        for (const device of page) {
          if (typeof device.endpointArn === 'string') await this.endpoints.deleteEndpoint(device.endpointArn);
          counts.pushDevices += await this.deleteKeys(this.tables.pushDevicesTable, [
            { ownerKey, deviceKey: device.deviceKey },
          ]);
        }
      }
    }
    counts.verificationRecords += await this.deleteIfPresent(this.tables.verificationCodesTable, {
      destinationKey: identity.destinationKey,
    });

    for (const conversationId of footprint.conversationIds)
      if (await this.anonymiseConversation(conversationId)) counts.conversations += 1;
    for (const ticketId of footprint.ticketIds)
      if (await this.anonymiseTicket(ticketId, erasedAt.toISOString())) counts.tickets += 1;
    for (const sessionId of footprint.sessionIds)
      counts.sessions += await this.deleteIfPresent(this.tables.sessionsTable, { sessionId });
    return counts;
  }

  private async anonymiseConversation(conversationId: string): Promise<boolean> {
    const { Item } = await documentClient.send(
      new GetCommand({
        TableName: this.tables.conversationsTable,
        Key: { conversationId },
        ConsistentRead: true,
      }),
    );
    if (!Item) return false;
    const kept = anonymisedConversation(conversationItem.parse(Item));
    await documentClient.send(new PutCommand({ TableName: this.tables.conversationsTable, Item: kept }));
    return true;
  }

  /** Written only over the version read: a concurrent change is read again and anonymised too. */
  private async anonymiseTicket(ticketId: string, erasedAt: string): Promise<boolean> {
    for (let attempt = 1; ; attempt += 1) {
      const { Item } = await documentClient.send(
        new GetCommand({ TableName: this.tables.ticketsTable, Key: { ticketId }, ConsistentRead: true }),
      );
      if (!Item) return false;
      const ticket = ticketItem.parse(Item);
      const written = await conditionally(() =>
        documentClient.send(
          new PutCommand({
            TableName: this.tables.ticketsTable,
            Item: anonymisedTicket(ticket, erasedAt),
            ConditionExpression: 'version = :v',
            ExpressionAttributeValues: { ':v': ticket.version },
          }),
        ),
      );
      if (written) return true;
      if (attempt >= MAX_BATCH_ATTEMPTS) throw new Error('ticket kept changing during its erasure');
    }
  }

  /** Removes the `s_<sessionId>` scopes of these sessions from every counter (an address's sessions). */
  private async forgetSessionsInCounters(sessionIds: readonly string[]): Promise<number> {
    if (sessionIds.length === 0) return 0;
    const attributes = new Set(sessionIds.map((id) => `s_${id}`));
    let changed = 0;
    for await (const page of paginateScan(
      { client: documentClient },
      { TableName: this.tables.limitsTable },
    )) {
      for (const item of page.Items ?? []) {
        const held = Object.keys(item).filter((name) => attributes.has(name));
        if (held.length === 0) continue;
        await documentClient.send(
          new UpdateCommand({
            TableName: this.tables.limitsTable,
            Key: { key: item.key },
            UpdateExpression: `REMOVE ${held.map((_, i) => `#a${i}`).join(', ')}`,
            ExpressionAttributeNames: Object.fromEntries(held.map((name, i) => [`#a${i}`, name])),
          }),
        );
        changed += 1;
      }
    }
    return changed;
  }

  /** Deletes every item whose key attribute contains one of `ids`. */
  private async deleteNaming(table: string, keyAttribute: string, ids: readonly string[]): Promise<number> {
    let deleted = 0;
    for (const group of chunks(ids, FILTER_TERMS)) {
      const values = Object.fromEntries(group.map((id, i) => [`:i${i}`, id]));
      const filter = Object.keys(values)
        .map((v) => `contains(#k, ${v})`)
        .join(' OR ');
      const keys: Key[] = [];
      for await (const page of paginateScan(
        { client: documentClient },
        {
          TableName: table,
          FilterExpression: filter,
          ExpressionAttributeNames: { '#k': keyAttribute },
          ExpressionAttributeValues: values,
          ProjectionExpression: '#k',
        },
      ))
        for (const item of page.Items ?? []) keys.push({ [keyAttribute]: item[keyAttribute] });
      deleted += await this.deleteKeys(table, keys);
    }
    return deleted;
  }

  private async scanIds(
    table: string,
    idAttribute: string,
    filter: string,
    values: Record<string, unknown>,
  ): Promise<string[]> {
    const ids: string[] = [];
    for await (const page of paginateScan(
      { client: documentClient },
      {
        TableName: table,
        FilterExpression: filter,
        ExpressionAttributeValues: values,
        ProjectionExpression: '#id',
        ExpressionAttributeNames: { '#id': idAttribute },
        ConsistentRead: true,
      },
    ))
      for (const item of page.Items ?? []) ids.push(String(item[idAttribute]));
    return ids;
  }

  private async *queryKeys(
    table: string,
    partitionAttribute: string,
    value: string,
    ...attributes: string[]
  ): AsyncGenerator<Record<string, unknown>[]> {
    const names = Object.fromEntries(attributes.map((a, i) => [`#p${i}`, a]));
    for await (const page of paginateQuery(
      { client: documentClient },
      {
        TableName: table,
        KeyConditionExpression: '#pk = :v',
        ExpressionAttributeNames: { '#pk': partitionAttribute, ...names },
        ExpressionAttributeValues: { ':v': value },
        ProjectionExpression: Object.keys(names).join(', '),
        ConsistentRead: true,
      },
    ))
      yield page.Items ?? [];
  }

  /** Deletes one item: 1 when it was there, 0 when it was not (a second run counts nothing). */
  private async deleteIfPresent(table: string, key: Key): Promise<number> {
    const { Attributes } = await documentClient.send(
      new DeleteCommand({ TableName: table, Key: key, ReturnValues: 'ALL_OLD' }),
    );
    return Attributes ? 1 : 0;
  }

  /** Deletes the items, 25 per request, until DynamoDB has processed them all. */
  private async deleteKeys(table: string, keys: readonly Key[]): Promise<number> {
    for (const group of chunks(keys, BATCH)) {
      let pending = group.map((Key) => ({ DeleteRequest: { Key } }));
      for (let attempt = 1; pending.length > 0; attempt += 1) {
        if (attempt > MAX_BATCH_ATTEMPTS) throw new Error(`${table}: deletions left unprocessed`);
        const { UnprocessedItems } = await documentClient.send(
          new BatchWriteCommand({ RequestItems: { [table]: pending } }),
        );
        pending = (UnprocessedItems?.[table] ?? []) as typeof pending;
        if (pending.length > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
      }
    }
    return keys.length;
  }

  private async listObjects(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    for await (const page of paginateListObjectsV2(
      { client: this.s3 },
      { Bucket: this.tables.attachmentsBucket, Prefix: prefix },
    ))
      for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
    return keys;
  }

  /**
   * Deletes the objects. In AWS the bucket is versioned: the delete leaves a marker and the bytes
   * become a noncurrent version, which the bucket's lifecycle removes a day later (attachments.ts).
   */
  private async deleteObjects(keys: readonly string[]): Promise<number> {
    for (const group of chunks(keys, 1000)) {
      // Quiet: the answer lists only the objects S3 failed to delete; one of them fails the erasure
      // (run again, it lists and deletes what is left).
      const { Errors = [] } = await this.s3.send(
        new DeleteObjectsCommand({
          Bucket: this.tables.attachmentsBucket,
          Delete: { Objects: group.map((Key) => ({ Key })), Quiet: true },
        }),
      );
      if (Errors.length > 0)
        throw new Error(
          `attachments bucket: ${Errors.length} of ${group.length} objects not deleted (${[...new Set(Errors.map((e) => e.Code))].join(', ')})`,
        );
    }
    return keys.length;
  }
}
