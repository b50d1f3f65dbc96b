import { describe, expect, it } from 'vitest';
import { productionApp, resourceByPath, resourcesOf } from './synth.ts';

// Prepare
const { template } = productionApp();
const TABLES = [
  'ConnectionsTable',
  'SessionsTable',
  'ConversationsTable',
  'MessagesTable',
  'IdempotencyTable',
  'VerificationCodesTable',
  'OperatorsTable',
  'TicketsTable',
  'NotesTable',
  'PushDevicesTable',
  'SlaTable',
  'LimitsTable',
  'AttachmentsTable',
  'AccessJournalTable',
  'VisitsTable',
];
const table = (id: string) => resourceByPath(template, 'AWS::DynamoDB::Table', `Data${id}`)[1];

const hash = (name: string) => ({ AttributeName: name, KeyType: 'HASH' });
const range = (name: string) => ({ AttributeName: name, KeyType: 'RANGE' });
/** An index projecting every attribute, or (`include`) the keys and these only (`[]`: keys only). */
const index = (name: string, pk: string, sk: string, include?: string[]) => ({
  IndexName: name,
  KeySchema: [hash(pk), range(sk)],
  Projection:
    include === undefined
      ? { ProjectionType: 'ALL' }
      : include.length === 0
        ? { ProjectionType: 'KEYS_ONLY' }
        : { ProjectionType: 'INCLUDE', NonKeyAttributes: include },
});

describe('the data model of docs/architecture.md', () => {
  it.each([
    ['ConnectionsTable', [hash('connectionId')], [index('byPrincipal', 'principalId', 'connectedAt')]],
    [
      'SessionsTable',
      [hash('sessionId')],
      [index('byCitizenSms', 'citizenId', 'createdAt', ['smsOptIn', 'smsPhone'])],
    ],
    [
      'ConversationsTable',
      [hash('conversationId')],
      [
        index('byQueueLine', 'queue', 'queuedAt', ['sessionId', 'ticketId', 'ticketNumber']),
        index('byFollowUpKeys', 'followUpsDue', 'followUpsAt', []),
      ],
    ],
    ['MessagesTable', [hash('conversationId'), range('seq')], undefined],
    ['IdempotencyTable', [hash('key')], undefined],
    ['VerificationCodesTable', [hash('destinationKey')], undefined],
    ['OperatorsTable', [hash('operatorId')], [index('byStatus', 'status', 'operatorId')]],
    [
      'TicketsTable',
      [hash('ticketId')],
      [
        index('byCitizen', 'citizenId', 'createdAt'),
        index('bySession', 'sessionId', 'createdAt'),
        index('byStatus', 'status', 'createdAt'),
        index('byContact', 'contactId', 'createdAt'),
      ],
    ],
    ['NotesTable', [hash('conversationId'), range('noteKey')], undefined],
    ['PushDevicesTable', [hash('ownerKey'), range('deviceKey')], undefined],
    ['SlaTable', [hash('hour'), range('record')], undefined],
    ['LimitsTable', [hash('key')], undefined],
    ['AttachmentsTable', [hash('attachmentId')], undefined],
  ])('keys %s as documented', (id, keySchema, indexes) => {
    expect(table(id).Properties.KeySchema).toEqual(keySchema);
    expect(table(id).Properties.GlobalSecondaryIndexes).toEqual(indexes);
  });

  it('has exactly the fourteen tables of the data model, no more', () => {
    const ids = Object.keys(resourcesOf(template, 'AWS::DynamoDB::Table')).map((id) =>
      id.replace(/^Data/, '').replace(/[0-9A-F]{8}$/, ''),
    );
    expect(ids.sort()).toEqual(TABLES.slice().sort());
  });

  it('orders messages by a numeric seq and everything else by ISO-8601 strings', () => {
    expect(table('MessagesTable').Properties.AttributeDefinitions).toContainEqual({
      AttributeName: 'seq',
      AttributeType: 'N',
    });
    for (const id of ['ConnectionsTable', 'SessionsTable', 'ConversationsTable']) {
      const definitions = table(id).Properties.AttributeDefinitions as { AttributeType: string }[];
      expect(definitions.every((d) => d.AttributeType === 'S')).toBe(true);
    }
  });

  it.each(TABLES)('runs %s on demand, encrypted, with point-in-time recovery and TTL on expiresAt', (id) => {
    expect(table(id).Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });

  it('keeps what is written once and kept for long in the Infrequent Access class, and nothing else', () => {
    const writtenOnce = new Set(['MessagesTable', 'NotesTable', 'AccessJournalTable']);
    const classes = Object.fromEntries(TABLES.map((id) => [id, table(id).Properties.TableClass]));
    expect(classes).toEqual(
      Object.fromEntries(
        TABLES.map((id) => [id, writtenOnce.has(id) ? 'STANDARD_INFREQUENT_ACCESS' : undefined]),
      ),
    );
  });

  it.each(['SessionsTable', 'ConversationsTable', 'MessagesTable', 'TicketsTable', 'NotesTable'])(
    'keeps %s in production when the stack is deleted (the regulator may ask for it)',
    (id) => {
      expect(table(id).DeletionPolicy).toBe('Retain');
      expect(table(id).Properties.DeletionProtectionEnabled).toBe(true);
    },
  );

  it.each([
    'ConnectionsTable',
    'IdempotencyTable',
    'VerificationCodesTable',
    'OperatorsTable',
    'PushDevicesTable',
    'LimitsTable',
  ])('lets %s go with the stack: short-lived, nothing in it is kept for anyone', (id) => {
    expect(table(id).DeletionPolicy).toBe('Delete');
    expect(table(id).Properties.DeletionProtectionEnabled).toBe(false);
  });
});
