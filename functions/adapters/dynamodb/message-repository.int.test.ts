/**
 * Reading history from DynamoDB Local (started by the test run's global setup): paging by `seq`
 * with `hasMore`, and expired messages treated as absent, since DynamoDB Local never deletes them.
 */
import { randomUUID } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import type { StoredMessage } from '#domain/messages.ts';
import { epochSeconds } from '#domain/retention.ts';
import { tableNames } from '../../../test/support/emulator-env.ts';
import { documentClient } from './document-client.ts';
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
});
