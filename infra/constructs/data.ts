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
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';

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
        indexName: 'byCitizen',
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
        indexName: 'byQueue',
        partitionKey: string('queue'),
        sortKey: string('queuedAt'),
        include: ['sessionId', 'ticketId', 'ticketNumber'],
      },
      // Sparse: `followUpsDue` is set only while a change's follow-ups are pending (the reconciler's
      // list). The reconciler reads each listed conversation again (the index lags): keys only.
      {
        indexName: 'byFollowUp',
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
  // Internal notes of conversations (`operator.note`, transfer reasons), oldest first by
  // `noteKey` = `{ts}#{noteId}`. Apart from MessagesTable: a note takes no seq and never reaches a citizen.
  NotesTable: {
    partitionKey: string('conversationId'),
    sortKey: string('noteKey'),
    indexes: [],
    retain: true,
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
  readonly attachments: Table;

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
        removalPolicy: retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      });
      for (const { include, ...index } of definition.indexes as readonly IndexDefinition[]) {
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
    this.attachments = table('AttachmentsTable');
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
      this.attachments,
    ];
  }
}
