/**
 * The transactional writes of a conversation (docs/architecture.md, "Gap-free seq under
 * concurrency"): the conversation's `lastSeq` moves from n to n+1 only together with the message at
 * n+1 and its idempotency key, in one TransactWriteItems. The outcome tells the domain whether it
 * won, lost the `lastSeq` race, or met a key written before.
 */
import type { Conversation } from '#domain/conversations.ts';
import { type BotReplyRef, botReplyKey, type MessageAck, messageAck } from '#domain/idempotency.ts';
import type { StoredMessage } from '#domain/messages.ts';
import type {
  AppendOutcome,
  BotReplyReads,
  BotTurnAppend,
  CitizenAppendOutcome,
  CitizenMessageAppend,
  ConversationLog,
  MessageKey,
  NoticeAppend,
  OperatorMessageAppend,
} from '#domain/ports/conversations.ts';
import { GetCommand, UpdateCommand } from '#shared/aws-sdk/lib-dynamodb.ts';
import { batchGetKeys, batchGetOnePerTable, liveItem } from './batch-get.ts';
import { conditionally, documentClient, nowSeconds } from './document-client.ts';
import { FOLLOW_UPS_DUE } from './follow-up-ledger.ts';
import { ackItem, botReplyItem, replyPlaceItem } from './item-schemas.ts';
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
  /**
   * Long bodies written compressed (message-body.ts; `MESSAGE_BODY_COMPRESSION`). Required, so that
   * no writer of messages can leave the deploy's switch out.
   */
  compressBodies: boolean;
}

/**
 * What a citizen's message writes (`message.send`): the message, its key holding the ack, and the
 * frame's count when it is counted with the message. Its own class, like the bot's, so a function
 * bundles the writers it uses and no other (docs/requirements.md: 250 KB a bundle).
 */
export class DynamoCitizenMessageLog
  implements Pick<ConversationLog, 'appendCitizenMessage' | 'findReplyTo'>
{
  constructor(private readonly tables: ConversationLogTables) {}

  async appendCitizenMessage(append: CitizenMessageAppend): Promise<CitizenAppendOutcome> {
    const { botTurn } = append;
    const items = botTurn
      ? [
          ...botTurnConversation(this.tables, {
            expected: append.conversation,
            next: botTurn.next,
            isNewConversation: append.isNewConversation,
            ...(append.replacesConversationId
              ? { replacesConversationId: append.replacesConversationId }
              : {}),
            ...(botTurn.pendingQuestion ? { pendingQuestion: botTurn.pendingQuestion } : {}),
          }),
          // Stored answered: the reply's place on the message itself says so, where a reply
          // stored on its own has its `bot#` key (one item less in the transaction).
          putMessage(this.tables, { ...append.message, reply: replyPlace(botTurn.idempotency.reply) }),
          ...botTurn.messages.map((message) => putMessage(this.tables, message)),
        ]
      : openOrAdvance(this.tables, append);
    const keyIndex = items.length;
    items.push(
      putIdempotencyKey(this.tables, append.idempotencyKey, { ...append.ack }, append.idempotencyExpiresAt),
    );
    const counterIndex = append.frameCount ? items.length : NO_KEY;
    if (append.frameCount) {
      items.push({
        Update: countingUpdate(this.limitsTable(), append.frameCount.counting, append.frameCount.now),
      });
    }
    const outcome = await transactWrite(items);
    if (outcome.status === 'committed') return { status: 'appended' };
    // A stored message answers its ack whatever else failed (the route counts a resend itself).
    if (conditionFailedAt(outcome, keyIndex)) return duplicateAck(this.tables, append.idempotencyKey);
    if (counterIndex !== NO_KEY && conditionFailedAt(outcome, counterIndex))
      return { status: 'rate_limited' };
    // Another writer moved `lastSeq`, opened a conversation or took this one from the bot first.
    return { status: 'conflict' };
  }

  private limitsTable(): string {
    if (!this.tables.limitsTable) throw new Error('a frame counted with the message needs LimitsTable');
    return this.tables.limitsTable;
  }

  findReplyTo(citizen: MessageKey): Promise<BotReplyRef | undefined> {
    return findReplyTo(this.tables, citizen);
  }
}

/** What a bot turn writes (`message.send`'s turn, the bot worker, `operator.request`). */
export class DynamoBotTurnLog
  implements
    Pick<ConversationLog, 'appendBotTurn' | 'findBotReply' | 'claimRedelivery' | 'claimMessageRedelivery'>
{
  constructor(private readonly tables: ConversationLogTables) {}

  async appendBotTurn(append: BotTurnAppend): Promise<AppendOutcome<BotReplyRef>> {
    const { messages } = append;
    const items = botTurnConversation(this.tables, append);
    for (const message of messages) items.push(putMessage(this.tables, message));
    const { idempotency } = append;
    if (!idempotency) {
      // No key to collide with: a cancelled transaction is a lost race.
      return (await commit(items, NO_KEY)) === 'appended' ? { status: 'appended' } : { status: 'conflict' };
    }
    return commitWithReply(this.tables, items, idempotency);
  }

  findBotReply(citizenMessageId: string): Promise<BotReplyRef | undefined> {
    return findBotReply(this.tables, citizenMessageId);
  }

  claimMessageRedelivery(citizen: MessageKey): Promise<boolean> {
    return conditionally(() =>
      documentClient.send(
        new UpdateCommand({
          TableName: this.tables.messagesTable,
          Key: { conversationId: citizen.conversationId, seq: citizen.seq },
          UpdateExpression: 'SET #reply.redeliveredAt = :now',
          ConditionExpression:
            'attribute_exists(#reply) AND attribute_not_exists(#reply.redeliveredAt) AND #messageId = :messageId',
          ExpressionAttributeNames: { '#reply': 'reply', '#messageId': 'messageId' },
          ExpressionAttributeValues: { ':now': new Date().toISOString(), ':messageId': citizen.messageId },
        }),
      ),
    );
  }

  claimRedelivery(replyKey: string): Promise<boolean> {
    return conditionally(() =>
      documentClient.send(
        new UpdateCommand({
          TableName: this.tables.idempotencyTable,
          Key: { key: replyKey },
          UpdateExpression: 'SET redeliveredAt = :now',
          ConditionExpression: 'attribute_exists(#key) AND attribute_not_exists(redeliveredAt)',
          ExpressionAttributeNames: { '#key': 'key' },
          ExpressionAttributeValues: { ':now': new Date().toISOString() },
        }),
      ),
    );
  }
}

/** Every writer of a conversation: the citizen's and the bot's, the operator's reply and the notice. */
export class DynamoConversationLog implements ConversationLog {
  private readonly citizen: DynamoCitizenMessageLog;
  private readonly bot: DynamoBotTurnLog;

  constructor(private readonly tables: ConversationLogTables) {
    this.citizen = new DynamoCitizenMessageLog(tables);
    this.bot = new DynamoBotTurnLog(tables);
  }

  appendCitizenMessage(append: CitizenMessageAppend): Promise<CitizenAppendOutcome> {
    return this.citizen.appendCitizenMessage(append);
  }

  appendBotTurn(append: BotTurnAppend): Promise<AppendOutcome<BotReplyRef>> {
    return this.bot.appendBotTurn(append);
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
      putMessage(this.tables, message),
    ];
    const keyIndex = items.length;
    items.push(
      putIdempotencyKey(this.tables, append.idempotencyKey, { ...append.ack }, append.idempotencyExpiresAt),
    );
    return commitWithAck(this.tables, items, keyIndex, append.idempotencyKey);
  }

  /** The notice's message and key with `lastSeq` n → n+1 of any open state (or the new conversation). */
  appendNotice(append: NoticeAppend): Promise<AppendOutcome<BotReplyRef>> {
    return commitWithReply(this.tables, openOrAdvance(this.tables, append), append.idempotency);
  }

  findAck(idempotencyKey: string): Promise<MessageAck | undefined> {
    return findAck(this.tables, idempotencyKey);
  }

  findBotReply(citizenMessageId: string): Promise<BotReplyRef | undefined> {
    return findBotReply(this.tables, citizenMessageId);
  }

  claimRedelivery(replyKey: string): Promise<boolean> {
    return this.bot.claimRedelivery(replyKey);
  }

  claimMessageRedelivery(citizen: MessageKey): Promise<boolean> {
    return this.bot.claimMessageRedelivery(citizen);
  }

  findReplyTo(citizen: MessageKey): Promise<BotReplyRef | undefined> {
    return this.citizen.findReplyTo(citizen);
  }
}

/**
 * A message of any open state, with `lastSeq` n → n+1 — or the new conversation it opens, made the
 * session's open one. The message's key is the caller's to add.
 */
function openOrAdvance(
  tables: ConversationLogTables,
  append: Pick<
    CitizenMessageAppend,
    'conversation' | 'message' | 'isNewConversation' | 'replacesConversationId'
  >,
): TransactItem[] {
  const { conversation, message } = append;
  const items: TransactItem[] = append.isNewConversation
    ? [
        {
          Put: {
            TableName: tables.conversationsTable,
            Item: { ...conversation, lastSeq: message.seq },
            ConditionExpression: 'attribute_not_exists(conversationId)',
          },
        },
        openOnSession(
          tables,
          conversation.sessionId,
          conversation.conversationId,
          append.replacesConversationId,
        ),
      ]
    : [
        advanceLastSeq(tables, conversation.conversationId, conversation.lastSeq, message.seq, {
          updatedAt: conversation.updatedAt,
          expiresAt: conversation.expiresAt,
        }),
      ];
  items.push(putMessage(tables, message));
  return items;
}

function advanceLastSeq(
  tables: ConversationLogTables,
  conversationId: string,
  expected: number,
  next: number,
  fields: Record<string, string | number>,
): TransactItem {
  const names = Object.keys(fields);
  return {
    Update: {
      TableName: tables.conversationsTable,
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
 * The conversation's item of a bot turn: the new conversation it opens (made the session's open one),
 * or the bot's own fields after the turn, only if nobody moved `lastSeq` and it is still with the
 * bot. Fields other writers own (operatorId, ticketId…) are left untouched, and so is the pending
 * question unless the turn remembers or forgets it.
 */
function botTurnConversation(
  tables: ConversationLogTables,
  append: Pick<
    BotTurnAppend,
    'expected' | 'next' | 'isNewConversation' | 'replacesConversationId' | 'pendingQuestion'
  >,
): TransactItem[] {
  const { expected, next, pendingQuestion } = append;
  if (append.isNewConversation) {
    const remembered =
      pendingQuestion && 'remember' in pendingQuestion ? { pendingQuestion: pendingQuestion.remember } : {};
    return [
      {
        Put: {
          TableName: tables.conversationsTable,
          Item: { ...next, ...remembered, ...(next.followUps ? { followUpsDue: FOLLOW_UPS_DUE } : {}) },
          ConditionExpression: 'attribute_not_exists(conversationId)',
        },
      },
      openOnSession(tables, next.sessionId, next.conversationId, append.replacesConversationId),
    ];
  }
  const set: Record<string, unknown> = {
    lastSeq: next.lastSeq,
    state: next.state,
    updatedAt: next.updatedAt,
    expiresAt: next.expiresAt,
  };
  for (const field of BOT_OWNED_FIELDS) if (next[field] !== undefined) set[field] = next[field];
  const remove: string[] = BOT_OWNED_FIELDS.filter((field) => next[field] === undefined);
  if (pendingQuestion && 'remember' in pendingQuestion) set.pendingQuestion = pendingQuestion.remember;
  else if (pendingQuestion) remove.push('pendingQuestion');
  // The ledger's index key goes with its follow-ups (docs/architecture.md, "The ledger").
  if (next.followUps) set.followUpsDue = FOLLOW_UPS_DUE;
  else remove.push('followUpsDue');
  const names = [...Object.keys(set), ...remove];
  return [
    {
      Update: {
        TableName: tables.conversationsTable,
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
    },
  ];
}

/** A new conversation becomes the session's open one only if nobody opened another meanwhile. */
function openOnSession(
  tables: ConversationLogTables,
  sessionId: string,
  conversationId: string,
  replaces: string | undefined,
): TransactItem {
  return {
    Update: {
      TableName: tables.sessionsTable,
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

function putMessage(tables: ConversationLogTables, message: CitizenMessageAppend['message']): TransactItem {
  return {
    Put: {
      TableName: tables.messagesTable,
      Item: toMessageItem(message, tables.compressBodies),
      ConditionExpression: 'attribute_not_exists(seq)',
    },
  };
}

function putIdempotencyKey(
  tables: ConversationLogTables,
  key: string,
  value: Record<string, unknown>,
  expiresAt: number,
): TransactItem {
  return {
    Put: {
      TableName: tables.idempotencyTable,
      Item: { ...value, key, expiresAt },
      // An expired key is an absent one.
      ConditionExpression: 'attribute_not_exists(#key) OR expiresAt < :now',
      ExpressionAttributeNames: { '#key': 'key' },
      ExpressionAttributeValues: { ':now': nowSeconds() },
    },
  };
}

async function commit(
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

/** Commits a message guarded by a key holding its ack; a duplicate answers the stored ack. */
async function commitWithAck(
  tables: ConversationLogTables,
  items: TransactItem[],
  keyIndex: number,
  key: string,
): Promise<AppendOutcome<MessageAck>> {
  const outcome = await commit(items, keyIndex);
  if (outcome !== 'duplicate') return { status: outcome };
  return duplicateAck(tables, key);
}

/** Commits the bot's messages with the key holding its reply; a duplicate answers the stored reply. */
async function commitWithReply(
  tables: ConversationLogTables,
  items: TransactItem[],
  idempotency: { key: string; reply: BotReplyRef; expiresAt: number },
): Promise<AppendOutcome<BotReplyRef>> {
  const keyIndex = items.length;
  items.push(putIdempotencyKey(tables, idempotency.key, { ...idempotency.reply }, idempotency.expiresAt));
  const outcome = await commit(items, keyIndex);
  if (outcome !== 'duplicate') return { status: outcome };
  const previous = await readIdempotencyKey(tables.idempotencyTable, idempotency.key);
  // The key vanished between the two reads only if it expired: treat it as a lost race and retry.
  return previous ? { status: 'duplicate', previous: botReplyItem.parse(previous) } : { status: 'conflict' };
}

/** The stored ack of a key whose condition failed. */
async function duplicateAck(tables: ConversationLogTables, key: string): Promise<AppendOutcome<MessageAck>> {
  const previous = await readIdempotencyKey(tables.idempotencyTable, key);
  // The key vanished between the two reads only if it expired: treat it as a lost race and retry.
  return previous
    ? { status: 'duplicate', previous: messageAck(ackItem.parse(previous)) }
    : { status: 'conflict' };
}

async function findAck(
  tables: ConversationLogTables,
  idempotencyKey: string,
): Promise<MessageAck | undefined> {
  const item = await readIdempotencyKey(tables.idempotencyTable, idempotencyKey);
  return item ? messageAck(ackItem.parse(item)) : undefined;
}

/** `bot#{messageId}` and the message, in one consistent read: the key's reply, else the message's. */
async function findReplyTo(
  tables: ConversationLogTables,
  citizen: MessageKey,
): Promise<BotReplyRef | undefined> {
  const found = await batchGetOnePerTable({
    [tables.idempotencyTable]: { Keys: [{ key: botReplyKey(citizen.messageId) }], ConsistentRead: true },
    [tables.messagesTable]: {
      Keys: [{ conversationId: citizen.conversationId, seq: citizen.seq }],
      ConsistentRead: true,
      // The reply's place only, not the body.
      ProjectionExpression: 'messageId, #reply, expiresAt',
      ExpressionAttributeNames: { '#reply': 'reply' },
    },
  });
  const now = new Date();
  const key = liveItem(found, tables.idempotencyTable, now);
  if (key) return botReplyItem.parse(key);
  const message = liveItem(found, tables.messagesTable, now);
  if (!message?.reply || message.messageId !== citizen.messageId) return undefined;
  return { conversationId: citizen.conversationId, ...replyPlaceItem.parse(message.reply) };
}

/** What a citizen message stored with its answer keeps of it: the first seq and the count. */
function replyPlace(reply: BotReplyRef): NonNullable<StoredMessage['reply']> {
  return { seq: reply.seq, ...(reply.count !== undefined ? { count: reply.count } : {}) };
}

/** The reply whose place a citizen message holds, as a `bot#` key would say it. */
export function replyOf(message: StoredMessage): BotReplyRef | undefined {
  const { reply } = message;
  return reply && { conversationId: message.conversationId, ...reply };
}

async function findBotReply(
  tables: ConversationLogTables,
  citizenMessageId: string,
): Promise<BotReplyRef | undefined> {
  const item = await readIdempotencyKey(tables.idempotencyTable, botReplyKey(citizenMessageId));
  return item ? botReplyItem.parse(item) : undefined;
}

/** A live idempotency key, read consistently (an expired one is an absent one). */
async function readIdempotencyKey(table: string, key: string): Promise<Record<string, unknown> | undefined> {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: table, Key: { key }, ConsistentRead: true }),
  );
  if (!Item) return undefined;
  const expiresAt = Item.expiresAt;
  return typeof expiresAt === 'number' && expiresAt < nowSeconds() ? undefined : Item;
}

/**
 * The bot's reply to a citizen message, for a function that needs nothing else of the log (the bot
 * outbox). `readReplies` reads the keys of a whole batch of messages in one BatchGetItem
 * (consistent), again for those whose turn is under way; `findBotReply` answers a message read so
 * from the last read, any other with its own GetItem.
 */
export class DynamoBotReplies implements Pick<ConversationLog, 'findBotReply'>, BotReplyReads {
  private readonly prefetched = new Map<string, BotReplyRef | undefined>();

  constructor(private readonly idempotencyTable: string) {}

  async readReplies(citizenMessageIds: readonly string[]): Promise<Set<string>> {
    const unanswered = new Set<string>();
    const keys = [...new Set(citizenMessageIds)].map((id) => ({ key: botReplyKey(id) }));
    const found = new Map<string, Record<string, unknown>>();
    for (const item of await batchGetKeys(this.idempotencyTable, keys, { consistent: true }))
      found.set(String(item.key), item);
    const now = nowSeconds();
    for (const id of citizenMessageIds) {
      const item = found.get(botReplyKey(id));
      const live = item && !(typeof item.expiresAt === 'number' && item.expiresAt < now);
      this.prefetched.set(id, live ? botReplyItem.parse(item) : undefined);
      if (!live) unanswered.add(id);
    }
    return unanswered;
  }

  async findBotReply(citizenMessageId: string): Promise<BotReplyRef | undefined> {
    if (this.prefetched.has(citizenMessageId)) {
      const reply = this.prefetched.get(citizenMessageId);
      this.prefetched.delete(citizenMessageId);
      return reply;
    }
    const item = await readIdempotencyKey(this.idempotencyTable, botReplyKey(citizenMessageId));
    return item ? botReplyItem.parse(item) : undefined;
  }
}
