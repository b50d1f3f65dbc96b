/**
 * Reading history from DynamoDB Local (started by the test run's global setup): paging by `seq`
 * with `hasMore`, expired messages treated as absent, since DynamoDB Local never deletes them, and
 * long bodies stored compressed (message-body.ts) read beside plain items written before them.
 */
import { randomUUID } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import type { StoredMessage } from '#domain/messages.ts';
import { epochSeconds } from '#domain/retention.ts';
import { tableNames } from '../../../test/support/emulator-env.ts';
import { documentClient } from './document-client.ts';
import { toMessageItem } from './message-body.ts';
import { DynamoMessageRepository } from './message-repository.ts';

describe('the message history (DynamoDB Local)', () => {
  const table = tableNames().messagesTable;
  const repository = new DynamoMessageRepository(table);
  const live = epochSeconds(new Date()) + 3600;
  const expired = epochSeconds(new Date()) - 60;

  async function store(conversationId: string, seq: number, expiresAt = live): Promise<void> {
    const message: StoredMessage = {
      conversationId,
      seq,
      messageId: `m${seq}`,
      from: seq % 2 === 1 ? 'citizen' : 'bot',
      senderId: seq % 2 === 1 ? 'session' : 'bot',
      text: `text ${seq}`,
      ts: new Date().toISOString(),
      expiresAt,
    };
    await documentClient.send(new PutCommand({ TableName: table, Item: message }));
  }

  it('pages after a seq and says whether more follow', async () => {
    // Prepare
    const conversationId = randomUUID();
    for (let seq = 1; seq <= 6; seq++) await store(conversationId, seq);

    // Act
    const first = await repository.listAfter(conversationId, 0, 4);
    const second = await repository.listAfter(conversationId, 4, 4);

    // Assess
    expect(first.messages.map((m) => m.seq)).toEqual([1, 2, 3, 4]);
    expect(first.hasMore).toBe(true);
    expect(second.messages.map((m) => m.seq)).toEqual([5, 6]);
    expect(second.hasMore).toBe(false);
  });

  it('says there is no more when the page ends exactly at the last message', async () => {
    // Prepare
    const conversationId = randomUUID();
    for (let seq = 1; seq <= 3; seq++) await store(conversationId, seq);

    // Act
    const page = await repository.listAfter(conversationId, 0, 3);

    // Assess
    expect(page.messages).toHaveLength(3);
    expect(page.hasMore).toBe(false);
  });

  it('skips expired messages and still fills the page with live ones', async () => {
    // Prepare
    const conversationId = randomUUID();
    for (let seq = 1; seq <= 5; seq++) await store(conversationId, seq, expired);
    for (let seq = 6; seq <= 8; seq++) await store(conversationId, seq);

    // Act
    const page = await repository.listAfter(conversationId, 0, 2);
    const single = await repository.get(conversationId, 1);

    // Assess
    expect(page.messages.map((m) => m.seq)).toEqual([6, 7]);
    expect(page.hasMore).toBe(true);
    expect(single).toBeUndefined();
  });

  it('reads long bodies stored compressed beside long plain items written before the change and short ones, in seq order', async () => {
    // Prepare: seq 1 a long answer as every item was written until now (plain text and
    // suggestions), seq 2 a long answer written now (compressed), seq 3 a short citizen message.
    const conversationId = randomUUID();
    const oldAnswer: StoredMessage = {
      conversationId,
      seq: 1,
      messageId: 'm1',
      from: 'bot',
      senderId: 'bot',
      text: 'Статус заявления виден в разделе «Заявления» личного кабинета. '.repeat(8),
      ts: new Date().toISOString(),
      expiresAt: live,
      intent: 'application.status',
      confidence: 0.9,
      suggestions: [{ intent: 'mfc.booking', title: 'Запись в МФЦ' }],
    };
    await documentClient.send(new PutCommand({ TableName: table, Item: oldAnswer }));
    const answer: StoredMessage = {
      conversationId,
      seq: 2,
      messageId: 'm2',
      from: 'bot',
      senderId: 'bot',
      text: 'Чтобы восстановить пароль, нажмите «Забыли пароль?» на странице входа. '.repeat(8),
      ts: new Date().toISOString(),
      expiresAt: live,
      intent: 'auth.password_reset',
      confidence: 0.93,
      suggestions: [{ intent: 'auth.account_locked', title: 'Учётная запись заблокирована' }],
    };
    const item = toMessageItem(answer);
    expect(item.body).toBeInstanceOf(Uint8Array);
    await documentClient.send(new PutCommand({ TableName: table, Item: item }));
    await store(conversationId, 3);

    // Act
    const page = await repository.listAfter(conversationId, 0, 10);
    const single = await repository.get(conversationId, 2);

    // Assess
    expect(page.messages.map((m) => [m.seq, m.text])).toEqual([
      [1, oldAnswer.text],
      [2, answer.text],
      [3, 'text 3'],
    ]);
    expect(page.messages[0]).toEqual(oldAnswer);
    expect(single).toEqual(answer);
  });
});
