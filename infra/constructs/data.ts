/**
 * The chat's DynamoDB tables (stateful; docs/architecture.md, "Data model"). Keys and indexes are
 * designed for every access pattern of docs/protocol.md.
 *
 * `Table` (AWS::DynamoDB::Table), not `TableV2` (AWS::DynamoDB::GlobalTable): the chat runs in one
 * region, and the local stack creates DynamoDB Local tables straight from the template, where a
 * `Table`'s KeySchema/AttributeDefinitions/GlobalSecondaryIndexes are exactly CreateTable's input.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import {
  AttributeType,
  BillingMode,
  ProjectionType,
  StreamViewType,
  Table,
  TableClass,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import LAST_RELEASE from './data-indexes.last-release.json' with { type: 'json' };

/** Name of the TTL attribute on every table (epoch seconds). */
export const TTL_ATTRIBUTE = 'expiresAt';

/** A key attribute: its name and DynamoDB type. */
interface KeyAttribute {
  readonly name: string;
  readonly type: AttributeType;
}

/**
 * A global secondary index. Every write of an item projected into an index is a write of the index
 * too, billed by the size of what is projected: an index projects only what its queries read
 * (docs/architecture.md, "Data model"), and a write that changes none of it costs the index nothing.
 */
interface IndexDefinition {
  readonly indexName: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  /**
   * The attributes besides the keys that its queries read; `[]` projects the keys only.
   * @default every attribute (the queries parse whole items)
   */
  readonly include?: readonly string[];
}

/** A table of the data model. */
interface TableDefinition {
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  readonly indexes: readonly IndexDefinition[];
  /**
   * Citizen and conversation data is kept for the regulator (docs/requirements.md, "Privacy"):
   * retained and deletion-protected where the stage keeps data ({@link ChatTablesProps.retainData}).
   */
  readonly retain: boolean;
  /** What the table's stream carries, for a table whose writes something else reacts to. */
  readonly stream?: StreamViewType;
  /**
   * Standard-IA for a table whose storage costs more than its requests: its bytes cost 40 % of
   * Standard's, its requests 25 % more (docs/cost.md prices both classes).
   * @default TableClass.STANDARD
   */
  readonly tableClass?: TableClass;
}

const string = (name: string): KeyAttribute => ({ name, type: AttributeType.STRING });
const number = (name: string): KeyAttribute => ({ name, type: AttributeType.NUMBER });

/** The data model of docs/architecture.md, keyed by construct id. */
const TABLES = {
  ConnectionsTable: {
    partitionKey: string('connectionId'),
    indexes: [
      { indexName: 'byPrincipal', partitionKey: string('principalId'), sortKey: string('connectedAt') },
    ],
    retain: false,
  },
  SessionsTable: {
    partitionKey: string('sessionId'),
    // Sparse: verified sessions only. Read for their ids and the status-SMS contact, not for the
    // resume tokens and identification state that every `hello` and code request rewrite.
    indexes: [
      {
        indexName: 'byCitizenSms',
        partitionKey: string('citizenId'),
        sortKey: string('createdAt'),
        include: ['smsOptIn', 'smsPhone'],
      },
    ],
    retain: true,
  },
  ConversationsTable: {
    partitionKey: string('conversationId'),
    indexes: [
      // Sparse: `queue` is set only while the conversation waits for an operator (position, ETA,
      // queue.stats). The waiting line reads who waits and their ticket, nothing that changes while
      // they wait, so a citizen's message in the queue does not rewrite the index.
      {
        indexName: 'byQueueLine',
        partitionKey: string('queue'),
        sortKey: string('queuedAt'),
        include: ['sessionId', 'ticketId', 'ticketNumber'],
      },
      // Sparse: `followUpsDue` is set only while a change's follow-ups are pending (the reconciler's
      // list). The reconciler reads each listed conversation again (the index lags): keys only.
      {
        indexName: 'byFollowUpKeys',
        partitionKey: string('followUpsDue'),
        sortKey: string('followUpsAt'),
        include: [],
      },
    ],
    retain: true,
  },
  MessagesTable: {
    partitionKey: string('conversationId'),
    sortKey: number('seq'),
    indexes: [],
    retain: true,
    // Written once, read mostly while the conversation lasts, then kept for the retention (365 days
    // in production) for history, transcripts and the regulator: a bot-only conversation's messages
    // cost more to keep for a year (storage and PITR) than to write, so they are kept in the
    // Infrequent Access class (docs/cost.md). Its requests cost a quarter more; reads answer as fast.
    tableClass: TableClass.STANDARD_INFREQUENT_ACCESS,
    // The outbox of message.send: BotOutbox reads new citizen messages from it. New images only:
    // messages are never updated in place, and the job needs nothing of an old image.
    stream: StreamViewType.NEW_IMAGE,
  },
  IdempotencyTable: {
    partitionKey: string('key'),
    indexes: [],
    retain: false,
  },
  // One item per destination (keyed by its HMAC, never the phone or e-mail): code hash, send and
  // failure counters, lock. Short-lived by design (TTL): nothing here is kept for the regulator.
  VerificationCodesTable: {
    partitionKey: string('destinationKey'),
    indexes: [],
    retain: false,
  },
  // Tickets (docs/requirements.md#tickets, docs/requirements.md#feedback), and one claim item per ticket number (`ticketId` = `number#<number>`): the
  // claim's conditional put is what makes numbers unique, and a consistent read of it finds a ticket
  // by number. Claims carry no citizenId, sessionId or status, so the indexes hold tickets only.
  TicketsTable: {
    partitionKey: string('ticketId'),
    indexes: [
      { indexName: 'byCitizen', partitionKey: string('citizenId'), sortKey: string('createdAt') },
      { indexName: 'bySession', partitionKey: string('sessionId'), sortKey: string('createdAt') },
      // Staff's `ticket.list` by status (portal tickets reach no operator through a conversation).
      { indexName: 'byStatus', partitionKey: string('status'), sortKey: string('createdAt') },
      // Sparse: `contactId` is set only on a portal ticket whose contact nobody proved yet (claimed at `auth.verifyCode`).
      { indexName: 'byContact', partitionKey: string('contactId'), sortKey: string('createdAt') },
    ],
    retain: true,
    // TicketNotices tells an offline citizen about a status change: it compares the two images.
    stream: StreamViewType.NEW_AND_OLD_IMAGES,
  },
  // MFC visits (docs/architecture.md, "MFC visits"): `visit#{number}` (the visit), `slot#…` (places
  // taken in a slot, the conditional counter no booking passes when full), `quota#{citizenId}#{service}`
  // (a citizen's visits ahead, versioned). Only visits carry `citizenId`: the index lists them alone.
  VisitsTable: {
    partitionKey: string('pk'),
    indexes: [
      { indexName: 'byCitizen', partitionKey: string('citizenId'), sortKey: string('startsAt') },
      // Sparse: a booked visit whose reminder is still to go (remindDay = the UTC date of remindAt).
      { indexName: 'byReminder', partitionKey: string('remindDay'), sortKey: string('remindAt') },
    ],
    retain: true,
  },
  // Internal notes of conversations (`operator.note`, transfer reasons), oldest first by
  // `noteKey` = `{ts}#{noteId}`. Apart from MessagesTable: a note takes no seq and never reaches a citizen.
  NotesTable: {
    partitionKey: string('conversationId'),
    sortKey: string('noteKey'),
    indexes: [],
    retain: true,
    // Written once, kept as long as the conversation's messages: Infrequent Access, as they are.
    tableClass: TableClass.STANDARD_INFREQUENT_ACCESS,
  },
  // Citizens' push devices (SNS platform endpoints): `ownerKey` = `citizen#{citizenId}` or
  // `session#{sessionId}`, `deviceKey` = `{platform}#{SHA-256 of the token}` (never the token).
  PushDevicesTable: {
    partitionKey: string('ownerKey'),
    sortKey: string('deviceKey'),
    indexes: [],
    retain: false,
  },
  // Citizens' attachments (`attachment.create`): pending → ready/rejected, with the key of their
  // bytes in the attachments bucket. Kept with the messages that name them (TTL: message retention).
  AttachmentsTable: {
    partitionKey: string('attachmentId'),
    indexes: [],
    retain: true,
  },
  // One item per operator: status, skills, capacity and the conversations they hold (dispatch).
  OperatorsTable: {
    partitionKey: string('operatorId'),
    indexes: [{ indexName: 'byStatus', partitionKey: string('status'), sortKey: string('operatorId') }],
    retain: false,
  },
  // The SLA of assignment (docs/requirements.md#sla), one partition per clock hour: `hour` =
  // `YYYY-MM-DDTHH` (UTC), `record` = `breach#…` / `assigned#…` (ids, queues, times, ticket numbers)
  // or `report` (the hourly report). Kept: the service level's history.
  SlaTable: {
    partitionKey: string('hour'),
    sortKey: string('record'),
    indexes: [],
    retain: true,
  },
  // The shared counters of per-client limits (functions/domain/client-limits.ts): `key` =
  // `<scope>#<id>#<window start>`, the counts as attributes, expiring a minute after their window.
  LimitsTable: {
    partitionKey: string('key'),
    indexes: [],
    retain: false,
  },
  // The access journal (functions/domain/access-journal.ts): one partition per UTC day, `entryKey` =
  // `{at}#{entryId}`; who of the staff read which citizen's data, exports and erasures. Ids only.
  // Kept for the regulator (TTL: the journal retention).
  AccessJournalTable: {
    partitionKey: string('day'),
    sortKey: string('entryKey'),
    indexes: [],
    retain: true,
    // Appended, read only for an audit, kept for years (`journalRetentionDays`): Infrequent Access.
    tableClass: TableClass.STANDARD_INFREQUENT_ACCESS,
  },
} as const satisfies Record<string, TableDefinition>;

/** Construct id of a table of the data model. */
export type TableId = keyof typeof TABLES;

/** Properties of {@link ChatTables}. */
export interface ChatTablesProps {
  /**
   * Whether the tables that hold citizen data are retained and deletion-protected (production).
   * Off (a dev stage): every table is deleted with its stack.
   */
  readonly retainData: boolean;
  /**
   * The tables' indexes as after this step of the upgrade from the last release's
   * ({@link INDEX_UPGRADE}; context `dataIndexStep`).
   * @default the last step: the indexes of {@link TABLES}
   */
  readonly indexStep?: number;
}

/** The tables of the data model, on demand, with PITR, AWS-managed KMS encryption and TTL. */
export class ChatTables extends Construct {
  readonly connections: Table;
  readonly sessions: Table;
  readonly conversations: Table;
  readonly messages: Table;
  readonly idempotency: Table;
  readonly tickets: Table;
  readonly operators: Table;
  readonly notes: Table;
  readonly pushDevices: Table;
  readonly verificationCodes: Table;
  readonly sla: Table;
  readonly limits: Table;
  readonly attachments: Table;
  readonly accessJournal: Table;
  /** MFC visits: bookings, places taken per slot, citizens' quotas. */
  readonly visits: Table;

  constructor(scope: Construct, id: string, props: ChatTablesProps) {
    super(scope, id);
    const table = (tableId: TableId): Table => {
      const definition: TableDefinition = TABLES[tableId];
      const retain = definition.retain && props.retainData;
      const created = new Table(this, tableId, {
        partitionKey: definition.partitionKey,
        sortKey: definition.sortKey,
        billingMode: BillingMode.PAY_PER_REQUEST,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        encryption: TableEncryption.AWS_MANAGED,
        timeToLiveAttribute: TTL_ATTRIBUTE,
        deletionProtection: retain,
        ...(definition.stream ? { stream: definition.stream } : {}),
        ...(definition.tableClass ? { tableClass: definition.tableClass } : {}),
        removalPolicy: retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      });
      for (const { include, ...index } of indexesAtStep(
        tableId,
        props.indexStep ?? INDEX_UPGRADE.steps.length,
      )) {
        created.addGlobalSecondaryIndex({
          ...index,
          ...(include === undefined
            ? { projectionType: ProjectionType.ALL }
            : include.length === 0
              ? { projectionType: ProjectionType.KEYS_ONLY }
              : { projectionType: ProjectionType.INCLUDE, nonKeyAttributes: [...include] }),
        });
      }
      return created;
    };
    this.connections = table('ConnectionsTable');
    this.sessions = table('SessionsTable');
    this.conversations = table('ConversationsTable');
    this.messages = table('MessagesTable');
    this.idempotency = table('IdempotencyTable');
    this.tickets = table('TicketsTable');
    this.operators = table('OperatorsTable');
    this.notes = table('NotesTable');
    this.pushDevices = table('PushDevicesTable');
    this.verificationCodes = table('VerificationCodesTable');
    this.sla = table('SlaTable');
    this.limits = table('LimitsTable');
    this.attachments = table('AttachmentsTable');
    this.accessJournal = table('AccessJournalTable');
    this.visits = table('VisitsTable');
  }

  /** Every table, for alarms and dashboards. */
  all(): Table[] {
    return [
      this.connections,
      this.sessions,
      this.conversations,
      this.messages,
      this.idempotency,
      this.tickets,
      this.operators,
      this.verificationCodes,
      this.notes,
      this.pushDevices,
      this.sla,
      this.limits,
      this.attachments,
      this.accessJournal,
      this.visits,
    ];
  }
}

/*
 * The staged upgrade of the indexes (docs/deploy.md, "Upgrade"). DynamoDB creates or deletes one
 * global secondary index per table and update ("Cannot perform more than one GSI creation or
 * deletion in a single update"), and an index's keys and projection never change in place: an
 * index that projects something else is a new index under a new name, created while the old one
 * still serves. So a stack deployed with the last release's indexes (the committed snapshot
 * data-indexes.last-release.json) reaches those of TABLES in steps, each at most one creation or
 * deletion per table: first every creation (the last release's functions keep querying the old
 * indexes), then the new functions are deployed, then every deletion. A table the last release did
 * not have is created whole, with all its indexes (CreateTable takes them at once).
 */

interface CfnIndex {
  readonly IndexName: string;
  readonly KeySchema: readonly { readonly AttributeName: string; readonly KeyType: string }[];
  readonly Projection: { readonly ProjectionType: string; readonly NonKeyAttributes?: readonly string[] };
}
interface CfnTable {
  readonly AttributeDefinitions: readonly {
    readonly AttributeName: string;
    readonly AttributeType: string;
  }[];
  readonly GlobalSecondaryIndexes: readonly CfnIndex[];
}

/** An index of the last release's template as an {@link IndexDefinition}. */
function fromTemplate(table: CfnTable, index: CfnIndex): IndexDefinition {
  const key = (keyType: string): KeyAttribute | undefined => {
    const name = index.KeySchema.find((k) => k.KeyType === keyType)?.AttributeName;
    const type = table.AttributeDefinitions.find((a) => a.AttributeName === name)?.AttributeType;
    return name === undefined ? undefined : { name, type: type as AttributeType };
  };
  const { ProjectionType, NonKeyAttributes = [] } = index.Projection;
  return {
    indexName: index.IndexName,
    partitionKey: key('HASH') as KeyAttribute,
    ...(key('RANGE') === undefined ? {} : { sortKey: key('RANGE') }),
    ...(ProjectionType === 'ALL' ? {} : { include: ProjectionType === 'KEYS_ONLY' ? [] : NonKeyAttributes }),
  };
}

/** What makes two indexes the same index: keys, their types and projection. */
const signature = (index: IndexDefinition): string =>
  JSON.stringify([index.partitionKey, index.sortKey ?? null, index.include ?? null]);

/** The last release's indexes of a table, or `undefined` for a table it did not have. */
function lastReleaseIndexes(tableId: TableId): IndexDefinition[] | undefined {
  const table = (LAST_RELEASE.tables as Partial<Record<TableId, CfnTable>>)[tableId];
  return table?.GlobalSecondaryIndexes.map((index) => fromTemplate(table, index));
}

/** One change of one step: an index created on a table, or deleted from it. */
export interface IndexChange {
  readonly table: TableId;
  readonly change: 'create' | 'delete';
  readonly indexName: string;
}

/** Per table of the last release: the indexes to create and to delete, in order. */
function tableChanges(tableId: TableId): { created: IndexDefinition[]; deleted: IndexDefinition[] } {
  const last = lastReleaseIndexes(tableId) ?? [];
  const final: readonly IndexDefinition[] = TABLES[tableId].indexes;
  for (const index of final) {
    const before = last.find((old) => old.indexName === index.indexName);
    if (before !== undefined && signature(before) !== signature(index)) {
      throw new Error(
        `${tableId} index ${index.indexName} changes its keys or projection: DynamoDB cannot change an index in place; give it a new name (docs/deploy.md, "Upgrade")`,
      );
    }
  }
  if (lastReleaseIndexes(tableId) === undefined) return { created: [], deleted: [] };
  return {
    created: final.filter((index) => !last.some((old) => old.indexName === index.indexName)),
    deleted: last.filter((old) => !final.some((index) => index.indexName === old.indexName)),
  };
}

/**
 * The upgrade from the last release's indexes: `steps[n - 1]` are the changes of step n (context
 * `dataIndexStep=n`), step 0 being the last release's indexes. Steps 1 to `createSteps` create,
 * the later ones delete; the new functions (the Chat stack) are deployed after step `createSteps`.
 */
export const INDEX_UPGRADE: {
  readonly release: string;
  readonly createSteps: number;
  readonly steps: IndexChange[][];
} = (() => {
  const changes = (Object.keys(TABLES) as TableId[]).map((table) => ({ table, ...tableChanges(table) }));
  const createSteps = Math.max(0, ...changes.map((c) => c.created.length));
  const deleteSteps = Math.max(0, ...changes.map((c) => c.deleted.length));
  const steps = Array.from({ length: createSteps + deleteSteps }, (_, i) =>
    changes.flatMap(({ table, created, deleted }): IndexChange[] => {
      const index = i < createSteps ? created[i] : deleted[i - createSteps];
      if (index === undefined) return [];
      return [{ table, change: i < createSteps ? 'create' : 'delete', indexName: index.indexName }];
    }),
  );
  return { release: LAST_RELEASE.release, createSteps, steps };
})();

/**
 * A table's indexes as after step `step` of {@link INDEX_UPGRADE}: the last release's that are not
 * deleted yet, in their order, then those of TABLES created so far, in theirs.
 */
export function indexesAtStep(tableId: TableId, step: number): IndexDefinition[] {
  const final: readonly IndexDefinition[] = TABLES[tableId].indexes;
  const last = lastReleaseIndexes(tableId);
  if (last === undefined) return [...final];
  const done = INDEX_UPGRADE.steps
    .slice(0, step)
    .flat()
    .filter((c) => c.table === tableId);
  const isDone = (change: IndexChange['change'], indexName: string) =>
    done.some((c) => c.change === change && c.indexName === indexName);
  return [
    ...last.filter((old) => !isDone('delete', old.indexName)),
    ...final.filter(
      (index) => !last.some((old) => old.indexName === index.indexName) && isDone('create', index.indexName),
    ),
  ];
}
