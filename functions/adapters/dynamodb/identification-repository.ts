/**
 * Identification in DynamoDB: VerificationCodesTable (key `destinationKey`, one item per destination,
 * TTL `expiresAt`) and the identification fields of SessionsTable items (`codeSends`,
 * `pendingDestinationKey`, `identityVersion`; and on success `verified`, `citizenId`, the resume
 * token slots). Every write is conditional on the version read (`version` of a record,
 * `identityVersion` / `resumeTokensVersion` of a session), so concurrent requests and attempts are
 * counted exactly: the loser gets `conflict`, reads again and decides again.
 *
 * Items hold hashes and counters only, never a phone, an e-mail or a code; nothing here logs an item.
 */
import type { SendWindow, VerificationRecord } from '#domain/identification.ts';
import type {
  CodeRequestSave,
  IdentificationRepository,
  SessionIdentity,
  VerificationCompletion,
  VersionedRecord,
} from '#domain/ports/identification.ts';
import { isExpired } from '#domain/retention.ts';
import { codeChannelSchema } from '#events/identification.ts';
import * as z from '#events/zod.ts';
import { ConditionalCheckFailedException } from '#shared/aws-sdk/client-dynamodb.ts';
import { GetCommand, PutCommand } from '#shared/aws-sdk/lib-dynamodb.ts';
import { documentClient, nowSeconds } from './document-client.ts';
import { sessionItem } from './item-schemas.ts';
import { resumeTokensItem } from './resumable-sessions.ts';
import { type TransactItem, transactWrite } from './transactions.ts';

export interface IdentificationTables {
  verificationCodesTable: string;
  sessionsTable: string;
  conversationsTable: string;
}

const epoch = z.int();

const sendWindowItem: z.ZodMiniType<SendWindow> = z.object({
  windowStart: epoch,
  count: z.int().check(z.gte(0)),
  lastSentAt: epoch,
});

/** The stored shape of a record: flat, so conditions and the TTL read plain attributes. */
const recordItem = z.object({
  destinationKey: z.string(),
  channel: codeChannelSchema,
  sends: sendWindowItem,
  failures: z.int().check(z.gte(0)),
  lockedUntil: z.optional(epoch),
  codeHash: z.optional(z.string()),
  codeSessionId: z.optional(z.string()),
  codeCitizenId: z.optional(z.string()),
  codeExpiresAt: z.optional(epoch),
  version: z.int().check(z.positive()),
  expiresAt: epoch,
});

const sessionIdentityItem = z.object({
  codeSends: z.optional(sendWindowItem),
  identityVersion: z._default(z.int().check(z.gte(0)), 0),
  pendingDestinationKey: z.optional(z.string()),
  pendingSmsPhone: z.optional(z.string()),
  pendingMaskedPhone: z.optional(z.string()),
});

function toRecord(item: z.infer<typeof recordItem>): VerificationRecord {
  const { codeHash, codeSessionId, codeCitizenId, codeExpiresAt } = item;
  const pending =
    codeHash !== undefined &&
    codeSessionId !== undefined &&
    codeCitizenId !== undefined &&
    codeExpiresAt !== undefined
      ? { codeHash, sessionId: codeSessionId, citizenId: codeCitizenId, expiresAt: codeExpiresAt }
      : undefined;
  return {
    destinationKey: item.destinationKey,
    channel: item.channel,
    sends: item.sends,
    failures: item.failures,
    ...(item.lockedUntil === undefined ? {} : { lockedUntil: item.lockedUntil }),
    ...(pending ? { pending } : {}),
  };
}

function toItem(record: VerificationRecord, version: number, expiresAt: number): z.infer<typeof recordItem> {
  return {
    destinationKey: record.destinationKey,
    channel: record.channel,
    sends: record.sends,
    failures: record.failures,
    ...(record.lockedUntil === undefined ? {} : { lockedUntil: record.lockedUntil }),
    ...(record.pending
      ? {
          codeHash: record.pending.codeHash,
          codeSessionId: record.pending.sessionId,
          codeCitizenId: record.pending.citizenId,
          codeExpiresAt: record.pending.expiresAt,
        }
      : {}),
    version,
    expiresAt,
  };
}

/**
 * A session is identified once: every write of a code request or a verification is conditioned on
 * it, so two racing connections of one session can never verify it as two citizens.
 */
const NOT_VERIFIED = '(attribute_not_exists(verified) OR verified = :false)';

export class DynamoIdentificationRepository implements IdentificationRepository {
  constructor(private readonly tables: IdentificationTables) {}

  async getRecord(destinationKey: string): Promise<VersionedRecord> {
    const { Item } = await documentClient.send(
      new GetCommand({
        TableName: this.tables.verificationCodesTable,
        Key: { destinationKey },
        ConsistentRead: true,
      }),
    );
    if (!Item) return { record: undefined, version: 0 };
    const item = recordItem.parse(Item);
    // An expired record counts as absent, but its version still guards the next write.
    return { record: isExpired(item, new Date()) ? undefined : toRecord(item), version: item.version };
  }

  async getSessionIdentity(sessionId: string): Promise<SessionIdentity | undefined> {
    const { Item } = await documentClient.send(
      new GetCommand({ TableName: this.tables.sessionsTable, Key: { sessionId }, ConsistentRead: true }),
    );
    if (!Item) return undefined;
    const session = sessionItem.parse(Item);
    if (isExpired(session, new Date())) return undefined;
    const { resumeTokens, resumeTokensVersion } = resumeTokensItem.parse(Item);
    const identity = sessionIdentityItem.parse(Item);
    return {
      resumable: { session, slots: resumeTokens, version: resumeTokensVersion },
      identityVersion: identity.identityVersion,
      ...(identity.codeSends ? { codeSends: identity.codeSends } : {}),
      ...(identity.pendingDestinationKey ? { pendingDestinationKey: identity.pendingDestinationKey } : {}),
      ...(identity.pendingSmsPhone ? { pendingSmsPhone: identity.pendingSmsPhone } : {}),
      ...(identity.pendingMaskedPhone ? { pendingMaskedPhone: identity.pendingMaskedPhone } : {}),
    };
  }

  async saveCodeRequest(input: CodeRequestSave): Promise<'saved' | 'conflict'> {
    const identityMatches =
      input.identityVersion === 0
        ? 'attribute_not_exists(identityVersion)'
        : 'identityVersion = :expectedIdentity';
    const outcome = await this.commit([
      this.putRecord(input.record, input.recordVersion, input.recordExpiresAt),
      {
        Update: {
          TableName: this.tables.sessionsTable,
          Key: { sessionId: input.sessionId },
          // The phone is kept only for a citizen who opted in to SMS, and replaced or dropped by
          // every later request.
          UpdateExpression:
            'SET codeSends = :sends, pendingDestinationKey = :destinationKey, identityVersion = :nextIdentity' +
            (input.smsPhone === undefined ? '' : ', pendingSmsPhone = :smsPhone') +
            (input.maskedPhone === undefined ? '' : ', pendingMaskedPhone = :maskedPhone') +
            removals([
              input.smsPhone === undefined && 'pendingSmsPhone',
              input.maskedPhone === undefined && 'pendingMaskedPhone',
            ]),
          // Never for a session verified meanwhile: it would let a second destination re-identify it.
          ConditionExpression: `attribute_exists(sessionId) AND expiresAt >= :now AND ${NOT_VERIFIED} AND ${identityMatches}`,
          ExpressionAttributeValues: {
            ':false': false,
            ':sends': input.codeSends,
            ':destinationKey': input.record.destinationKey,
            ':nextIdentity': input.identityVersion + 1,
            ':now': nowSeconds(),
            ...(input.identityVersion === 0 ? {} : { ':expectedIdentity': input.identityVersion }),
            ...(input.smsPhone === undefined ? {} : { ':smsPhone': input.smsPhone }),
            ...(input.maskedPhone === undefined ? {} : { ':maskedPhone': input.maskedPhone }),
          },
        },
      },
    ]);
    return outcome === 'committed' ? 'saved' : 'conflict';
  }

  async saveAttempt(
    record: VerificationRecord,
    version: number,
    expiresAt: number,
  ): Promise<'saved' | 'conflict'> {
    try {
      await documentClient.send(new PutCommand(this.putRecord(record, version, expiresAt).Put));
      return 'saved';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'conflict';
      throw error;
    }
  }

  async completeVerification(input: VerificationCompletion): Promise<'verified' | 'conflict'> {
    const { session, version: slotsVersion } = input.session;
    const slotsMatch =
      slotsVersion === 0
        ? 'attribute_not_exists(resumeTokensVersion)'
        : 'resumeTokensVersion = :expectedSlots';
    const openMatches =
      input.openConversationId === undefined
        ? 'attribute_not_exists(openConversationId)'
        : 'openConversationId = :open';
    const items: TransactItem[] = [
      this.putRecord(input.record, input.recordVersion, input.recordExpiresAt),
      {
        Update: {
          TableName: this.tables.sessionsTable,
          Key: { sessionId: session.sessionId },
          UpdateExpression:
            'SET verified = :true, citizenId = :citizenId, resumeTokens = :slots, resumeTokensVersion = :nextSlots, ' +
            'verifiedConnectionId = :connectionId' +
            // The opted-in phone becomes the session's SMS contact (DynamoSmsContactReader reads it).
            (input.smsPhone === undefined ? '' : ', smsOptIn = :true, smsPhone = :smsPhone') +
            // What operators see of a citizen identified by phone (conversation.assigned).
            (input.maskedPhone === undefined ? '' : ', maskedPhone = :maskedPhone') +
            ' REMOVE pendingDestinationKey, pendingSmsPhone, pendingMaskedPhone',
          ConditionExpression:
            `attribute_exists(sessionId) AND expiresAt >= :now AND ${NOT_VERIFIED} ` +
            `AND pendingDestinationKey = :destinationKey AND ${slotsMatch} AND ${openMatches}`,
          ExpressionAttributeValues: {
            ':true': true,
            ':false': false,
            ':citizenId': input.citizenId,
            ':connectionId': input.connectionId,
            ':slots': input.slots,
            ':nextSlots': slotsVersion + 1,
            ':now': nowSeconds(),
            ':destinationKey': input.record.destinationKey,
            ...(slotsVersion === 0 ? {} : { ':expectedSlots': slotsVersion }),
            ...(input.openConversationId === undefined ? {} : { ':open': input.openConversationId }),
            ...(input.smsPhone === undefined ? {} : { ':smsPhone': input.smsPhone }),
            ...(input.maskedPhone === undefined ? {} : { ':maskedPhone': input.maskedPhone }),
          },
        },
      },
    ];
    if (input.openConversationId !== undefined) {
      // Carry-over: the guest's conversation becomes the citizen's (byCitizen index), same id, same seq.
      items.push({
        Update: {
          TableName: this.tables.conversationsTable,
          Key: { conversationId: input.openConversationId },
          UpdateExpression: 'SET citizenId = :citizenId',
          ConditionExpression: 'attribute_exists(conversationId) AND sessionId = :sessionId',
          ExpressionAttributeValues: { ':citizenId': input.citizenId, ':sessionId': session.sessionId },
        },
      });
    }
    return (await this.commit(items)) === 'committed' ? 'verified' : 'conflict';
  }

  /** The record under its version: created when none was ever written, else replaced at `version`. */
  private putRecord(
    record: VerificationRecord,
    version: number,
    expiresAt: number,
  ): TransactItem & { Put: object } {
    return {
      Put: {
        TableName: this.tables.verificationCodesTable,
        Item: toItem(record, version + 1, expiresAt),
        ConditionExpression: version === 0 ? 'attribute_not_exists(destinationKey)' : 'version = :expected',
        ...(version === 0 ? {} : { ExpressionAttributeValues: { ':expected': version } }),
      },
    };
  }

  private async commit(items: TransactItem[]): Promise<'committed' | 'conflict'> {
    // A failed condition or a conflict with a concurrent transaction: another writer came first.
    return (await transactWrite(items)).status === 'committed' ? 'committed' : 'conflict';
  }
}

/** ` REMOVE a, b` for the attribute names given (falsy entries skipped), or nothing. */
function removals(names: (string | false)[]): string {
  const kept = names.filter((name): name is string => name !== false);
  return kept.length === 0 ? '' : ` REMOVE ${kept.join(', ')}`;
}
