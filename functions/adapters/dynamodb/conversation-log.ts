/**
 * The transactional writes of a conversation (docs/architecture.md, "Gap-free seq under
 * concurrency"): the conversation's `lastSeq` moves from n to n+1 only together with the message at
 * n+1 and its idempotency key, in one TransactWriteItems. The outcome tells the domain whether it
 * won, lost the `lastSeq` race, or met a key written before.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Conversation } from '#domain/conversations.ts';
import { type BotReplyRef, botReplyKey, type MessageAck, messageAck } from '#domain/idempotency.ts';
import type {
  AppendOutcome,
  BotTurnAppend,
  CitizenAppendOutcome,
  CitizenMessageAppend,
  ConversationLog,
  NoticeAppend,
  OperatorMessageAppend,
} from '#domain/ports/conversations.ts';
import { documentClient, nowSeconds } from './document-client.ts';
import { FOLLOW_UPS_DUE } from './follow-up-ledger.ts';
import { ackItem, botReplyItem } from './item-schemas.ts';
import { toMessageItem } from './message-body.ts';
import { countingUpdate } from './rate-counter.ts';
import { conditionFailedAt, type TransactItem, transactWrite } from './transactions.ts';

/**
 * What a bot turn writes besides the counter and the state: its memory, the intake in progress,
 * the escalation and its category. A field the turn leaves undefined is removed (an intake that
 * ended, the fallback count of an answered question).
 */
/** `commit`'s key index of a transaction without an idempotency key. */
const NO_KEY = -1;

const BOT_OWNED_FIELDS = [
  'lastBotIntent',
  'consecutiveFallbacks',
  'intake',
  'escalation',
  'category',
  // The ledger: an escalating turn's follow-up (publish the escalation); any other turn has none.
  'followUps',
  'followUpsAt',
] as const satisfies readonly (keyof Conversation)[];

export interface ConversationLogTables {
  sessionsTable: string;
  conversationsTable: string;
  messagesTable: string;
  idempotencyTable: string;
  /** Where a frame counted with its message is counted (`CitizenMessageAppend.frameCount`). */
  limitsTable?: string;
}

export class DynamoConversationLog implements ConversationLog {
  constructor(private readonly tables: ConversationLogTables) {}

  async appendCitizenMessage(append: CitizenMessageAppend): Promise<CitizenAppendOutcome> {
    const { conversation, message } = append;
    const items: TransactItem[] = [];
    if (append.isNewConversation) {
      items.push({
        Put: {
          TableName: this.tables.conversationsTable,
          Item: { ...conversation, lastSeq: message.seq },
          ConditionExpression: 'attribute_not_exists(conversationId)',
        },
      });
      items.push(
        this.openOnSession(
          conversation.sessionId,
          conversation.conversationId,
          append.replacesConversationId,
        ),
      );
    } else {
      items.push(
        this.advanceLastSeq(conversation.conversationId, conversation.lastSeq, message.seq, {
          updatedAt: conversation.updatedAt,
          expiresAt: conversation.expiresAt,
        }),
      );
    }
    items.push(this.putMessage(message));
    const keyIndex = items.length;
    items.push(this.putIdempotencyKey(append.idempotencyKey, { ...append.ack }, append.idempotencyExpiresAt));
    if (!append.frameCount) return this.commitWithAck(items, keyIndex, append.idempotencyKey);
    const counterIndex = items.length;
    items.push({
      Update: countingUpdate(this.limitsTable(), append.frameCount.counting, append.frameCount.now),
    });
    const outcome = await transactWrite(items);
    if (outcome.status === 'committed') return { status: 'appended' };
    // A stored message answers its ack whatever the counter says (the route counts a resend itself).
    if (conditionFailedAt(outcome, keyIndex)) return this.duplicateOf(append.idempotencyKey);
    if (conditionFailedAt(outcome, counterIndex)) return { status: 'rate_limited' };
    return { status: 'conflict' };
  }

  private limitsTable(): string {
    if (!this.tables.limitsTable) throw new Error('a frame counted with the message needs LimitsTable');
    return this.tables.limitsTable;
  }

  /**
   * `lastSeq` n → n+1 on the condition that the conversation is still with this operator, with the
   * message and its key; the first reply also stamps `firstOperatorReplyAt` (once), every reply
   * `lastOperatorReplyAt` (what the first-reply timer reads).
   */
  async appendOperatorMessage(append: OperatorMessageAppend): Promise<AppendOutcome<MessageAck>> {
    const { conversation, message } = append;
    const first =
      append.firstReplyAt === undefined
        ? ''
        : ', firstOperatorReplyAt = if_not_exists(firstOperatorReplyAt, :first)';
    const items: TransactItem[] = [
      {
        Update: {
          TableName: this.tables.conversationsTable,
          Key: { conversationId: conversation.conversationId },
          UpdateExpression: `SET lastSeq = :next, updatedAt = :updatedAt, expiresAt = :expiresAt, lastOperatorReplyAt = :updatedAt${first}`,
          ConditionExpression: 'lastSeq = :expected AND #state = :operator AND operatorId = :operatorId',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':next': message.seq,
            ':expected': conversation.lastSeq,
            ':updatedAt': message.ts,
            ':expiresAt': message.expiresAt,
            ':operator': 'operator',
            ':operatorId': append.operatorId,
            ...(append.firstReplyAt === undefined ? {} : { ':first': append.firstReplyAt }),
          },
        },
      },
      this.putMessage(message),
    ];
    const keyIndex = items.length;
    items.push(this.putIdempotencyKey(append.idempotencyKey, { ...append.ack }, append.idempotencyExpiresAt));
    return this.commitWithAck(items, keyIndex, append.idempotencyKey);
  }

  /** Commits a message guarded by a key holding its ack; a duplicate answers the stored ack. */
  private async commitWithAck(
    items: TransactItem[],
    keyIndex: number,
    key: string,
  ): Promise<AppendOutcome<MessageAck>> {
    const outcome = await this.commit(items, keyIndex);
    if (outcome !== 'duplicate') return { status: outcome };
    return this.duplicateOf(key);
  }

  /** The stored ack of a key whose condition failed. */
  private async duplicateOf(key: string): Promise<AppendOutcome<MessageAck>> {
    const previous = await this.readKey(key);
    // The key vanished between the two reads only if it expired: treat it as a lost race and retry.
    return previous
      ? { status: 'duplicate', previous: messageAck(ackItem.parse(previous)) }
      : { status: 'conflict' };
  }

  async appendBotTurn(append: BotTurnAppend): Promise<AppendOutcome<BotReplyRef>> {
    const { expected, next, messages } = append;
    const items: TransactItem[] = [];
    if (append.isNewConversation) {
      items.push({
        Put: {
          TableName: this.tables.conversationsTable,
          Item: next.followUps ? { ...next, followUpsDue: FOLLOW_UPS_DUE } : next,
          ConditionExpression: 'attribute_not_exists(conversationId)',
        },
      });
      items.push(this.openOnSession(next.sessionId, next.conversationId, append.replacesConversationId));
    } else {
      items.push(this.advanceBotTurn(expected, next));
    }
    for (const message of messages) items.push(this.putMessage(message));
    if (append.pendingQuestion) items.push(this.pendingQuestionUpdate(append.pendingQuestion));
    const { idempotency } = append;
    if (!idempotency) {
      // No key to collide with: a cancelled transaction is a lost race.
      return (await this.commit(items, NO_KEY)) === 'appended'
        ? { status: 'appended' }
        : { status: 'conflict' };
    }
    const keyIndex = items.length;
    items.push(this.putIdempotencyKey(idempotency.key, { ...idempotency.reply }, idempotency.expiresAt));
    const outcome = await this.commit(items, keyIndex);
    if (outcome !== 'duplicate') return { status: outcome };
    const previous = await this.readKey(idempotency.key);
    return previous
      ? { status: 'duplicate', previous: botReplyItem.parse(previous) }
      : { status: 'conflict' };
  }

  /** The notice's message and key with `lastSeq` n → n+1 of any open state (or the new conversation). */
  async appendNotice(append: NoticeAppend): Promise<AppendOutcome<BotReplyRef>> {
    const { conversation, message, idempotency } = append;
    const items: TransactItem[] = append.isNewConversation
      ? [
          {
            Put: {
              TableName: this.tables.conversationsTable,
              Item: { ...conversation, lastSeq: message.seq },
              ConditionExpression: 'attribute_not_exists(conversationId)',
            },
          },
          this.openOnSession(
            conversation.sessionId,
            conversation.conversationId,
            append.replacesConversationId,
          ),
        ]
      : [
          this.advanceLastSeq(conversation.conversationId, conversation.lastSeq, message.seq, {
            updatedAt: conversation.updatedAt,
            expiresAt: conversation.expiresAt,
          }),
        ];
    items.push(this.putMessage(message));
    const keyIndex = items.length;
    items.push(this.putIdempotencyKey(idempotency.key, { ...idempotency.reply }, idempotency.expiresAt));
    const outcome = await this.commit(items, keyIndex);
    if (outcome !== 'duplicate') return { status: outcome };
    const previous = await this.readKey(idempotency.key);
    return previous
      ? { status: 'duplicate', previous: botReplyItem.parse(previous) }
      : { status: 'conflict' };
  }

  async findAck(idempotencyKey: string): Promise<MessageAck | undefined> {
    const item = await this.readKey(idempotencyKey);
    return item ? messageAck(ackItem.parse(item)) : undefined;
  }

  async findBotReply(citizenMessageId: string): Promise<BotReplyRef | undefined> {
    const item = await this.readKey(botReplyKey(citizenMessageId));
    return item ? botReplyItem.parse(item) : undefined;
  }

  private advanceLastSeq(
    conversationId: string,
    expected: number,
    next: number,
    fields: Record<string, string | number>,
  ): TransactItem {
    const names = Object.keys(fields);
    return {
      Update: {
        TableName: this.tables.conversationsTable,
        Key: { conversationId },
        UpdateExpression: `SET lastSeq = :next, ${names.map((n) => `#${n} = :${n}`).join(', ')}`,
        // A ticket that closed the conversation since the read (it moves no `lastSeq`) wins: the
        // message is not acknowledged into a closed conversation; the retry opens a new one.
        ConditionExpression: 'lastSeq = :expected AND #state <> :closed',
        ExpressionAttributeNames: {
          ...Object.fromEntries(names.map((n) => [`#${n}`, n])),
          '#state': 'state',
        },
        ExpressionAttributeValues: {
          ':next': next,
          ':expected': expected,
          ':closed': 'closed',
          ...Object.fromEntries(names.map((n) => [`:${n}`, fields[n]])),
        },
      },
    };
  }

  /**
   * The bot's own fields of the conversation after a turn, only if nobody moved `lastSeq` and it is
   * still with the bot. Fields other writers own (operatorId, ticketId…) are left untouched.
   */
  private advanceBotTurn(expected: Conversation, next: Conversation): TransactItem {
    const set: Record<string, unknown> = {
      lastSeq: next.lastSeq,
      state: next.state,
      updatedAt: next.updatedAt,
      expiresAt: next.expiresAt,
    };
    for (const field of BOT_OWNED_FIELDS) if (next[field] !== undefined) set[field] = next[field];
    const remove: string[] = BOT_OWNED_FIELDS.filter((field) => next[field] === undefined);
    // The ledger's index key goes with its follow-ups (docs/architecture.md, "The ledger").
    if (next.followUps) set.followUpsDue = FOLLOW_UPS_DUE;
    else remove.push('followUpsDue');
    const names = [...Object.keys(set), ...remove];
    return {
      Update: {
        TableName: this.tables.conversationsTable,
        Key: { conversationId: expected.conversationId },
        UpdateExpression: [
          `SET ${Object.keys(set)
            .map((n) => `#${n} = :${n}`)
            .join(', ')}`,
          ...(remove.length > 0 ? [`REMOVE ${remove.map((n) => `#${n}`).join(', ')}`] : []),
        ].join(' '),
        ConditionExpression: 'lastSeq = :expected AND #state = :bot',
        ExpressionAttributeNames: Object.fromEntries(names.map((n) => [`#${n}`, n])),
        ExpressionAttributeValues: {
          ...Object.fromEntries(Object.entries(set).map(([n, value]) => [`:${n}`, value])),
          ':expected': expected.lastSeq,
          ':bot': 'bot',
        },
      },
    };
  }

  /** The session's pending question set or removed with the turn (the session must still exist). */
  private pendingQuestionUpdate(change: NonNullable<BotTurnAppend['pendingQuestion']>): TransactItem {
    return {
      Update: {
        TableName: this.tables.sessionsTable,
        Key: { sessionId: change.sessionId },
        ...('remember' in change
          ? {
              UpdateExpression: 'SET pendingQuestion = :question',
              ExpressionAttributeValues: { ':question': change.remember },
            }
          : { UpdateExpression: 'REMOVE pendingQuestion' }),
        ConditionExpression: 'attribute_exists(sessionId)',
      },
    };
  }

  /** A new conversation becomes the session's open one only if nobody opened another meanwhile. */
  private openOnSession(
    sessionId: string,
    conversationId: string,
    replaces: string | undefined,
  ): TransactItem {
    return {
      Update: {
        TableName: this.tables.sessionsTable,
        Key: { sessionId },
        UpdateExpression: 'SET openConversationId = :conversationId',
        ConditionExpression:
          replaces === undefined
            ? 'attribute_exists(sessionId) AND attribute_not_exists(openConversationId)'
            : 'attribute_exists(sessionId) AND openConversationId = :replaces',
        ExpressionAttributeValues: {
          ':conversationId': conversationId,
          ...(replaces === undefined ? {} : { ':replaces': replaces }),
        },
      },
    };
  }

  private putMessage(message: CitizenMessageAppend['message']): TransactItem {
    return {
      Put: {
        TableName: this.tables.messagesTable,
        Item: toMessageItem(message),
        ConditionExpression: 'attribute_not_exists(seq)',
      },
    };
  }

  private putIdempotencyKey(key: string, value: Record<string, unknown>, expiresAt: number): TransactItem {
    return {
      Put: {
        TableName: this.tables.idempotencyTable,
        Item: { ...value, key, expiresAt },
        // An expired key is an absent one.
        ConditionExpression: 'attribute_not_exists(#key) OR expiresAt < :now',
        ExpressionAttributeNames: { '#key': 'key' },
        ExpressionAttributeValues: { ':now': nowSeconds() },
      },
    };
  }

  private async readKey(key: string): Promise<Record<string, unknown> | undefined> {
    const { Item } = await documentClient.send(
      new GetCommand({ TableName: this.tables.idempotencyTable, Key: { key }, ConsistentRead: true }),
    );
    if (!Item) return undefined;
    const expiresAt = Item.expiresAt;
    return typeof expiresAt === 'number' && expiresAt < nowSeconds() ? undefined : Item;
  }

  private async commit(
    items: TransactItem[],
    keyIndex: number,
  ): Promise<'appended' | 'conflict' | 'duplicate'> {
    const outcome = await transactWrite(items);
    if (outcome.status === 'committed') return 'appended';
    // A failed condition on the idempotency key means the message was stored before, whatever else
    // failed with it. A failed condition anywhere else, or a conflict with a concurrent
    // transaction, means another writer got there first. Anything else (throttling, validation)
    // was thrown as a real error.
    return conditionFailedAt(outcome, keyIndex) ? 'duplicate' : 'conflict';
  }
}
