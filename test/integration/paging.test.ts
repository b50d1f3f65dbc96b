/**
 * Paging on the local stack (docs/protocol.md, "Paging"): `ticket.list` and `history.get` answer a
 * page and an opaque `nextCursor`, walk every item once, refuse a changed or another caller's
 * cursor with BAD_REQUEST, and cut a page short (and a ticket's history) so that every answer fits
 * one WebSocket frame (API Gateway refuses a frame over 128 KB).
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, inject, it } from 'vitest';
import { DynamoTicketRepository } from '#adapters/dynamodb/ticket-repository.ts';
import type { Ticket } from '#domain/tickets.ts';
import { openTicket } from '#domain/use-cases/open-ticket.ts';
import type { TicketView } from '#events/tickets.ts';
import { verifyByEmail } from '../support/citizens.ts';
import { useClients } from '../support/clients.ts';
import type { ChatClient, Frame } from '../support/ws-client.ts';

const { connect } = useClients();
const httpUrl = inject('localHttpUrl');
const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const FRAME_LIMIT_BYTES = 128 * 1024;
const frameBytes = (frame: Frame) => Buffer.byteLength(JSON.stringify(frame), 'utf8');

async function verifiedCitizen(): Promise<{ client: ChatClient; citizenId: string; sessionId: string }> {
  const client = await connect({ lang: 'ru' });
  const { sessionId } = await client.request({ action: 'hello' });
  const { citizenId } = await verifyByEmail(client, httpUrl);
  return { client, citizenId: String(citizenId), sessionId: String(sessionId) };
}

/** A ticket of the citizen, as the escalation consumer opens one. */
async function ticketFor(citizenId: string, sessionId: string): Promise<Ticket> {
  const { ticket } = await openTicket(
    {
      tickets: new DynamoTicketRepository({
        ticketsTable: String(process.env.TICKETS_TABLE),
        conversationsTable: String(process.env.CONVERSATIONS_TABLE),
      }),
      clock: { now: () => new Date() },
      retentionDays: 1,
    },
    {
      conversationId: randomUUID(),
      sessionId,
      citizenId,
      category: 'auth',
      intake: { problem: 'не приходит код' },
      lang: 'ru',
      attempt: 1,
    },
  );
  return ticket;
}

/** Every page of `frame`'s list, following `nextCursor`. */
async function allPages(client: ChatClient, frame: Record<string, unknown>): Promise<Frame[]> {
  const pages: Frame[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.request({ ...frame, ...(cursor ? { cursor } : {}) });
    pages.push(page);
    cursor = page.nextCursor as string | undefined;
  } while (cursor !== undefined && pages.length < 20);
  return pages;
}

describe('ticket.list pages', () => {
  it('walks 25 tickets newest first in pages of 20 and 5, each once, with a cursor only while more are left', async () => {
    // Prepare
    const owner = await verifiedCitizen();
    const opened: Ticket[] = [];
    for (let i = 0; i < 25; i++) opened.push(await ticketFor(owner.citizenId, owner.sessionId));

    // Act
    const pages = await allPages(owner.client, { action: 'ticket.list' });

    // Assess
    expect(pages.map((page) => (page.items as TicketView[]).length)).toEqual([20, 5]);
    expect(pages.map((page) => page.nextCursor === undefined)).toEqual([false, true]);
    const listed = pages.flatMap((page) => (page.items as TicketView[]).map((t) => t.ticketId));
    expect(listed).toEqual(opened.map((t) => t.ticketId).reverse());
  });

  it("refuses a changed cursor and another citizen's cursor with BAD_REQUEST on cursor", async () => {
    // Prepare
    const owner = await verifiedCitizen();
    const other = await verifiedCitizen();
    for (let i = 0; i < 3; i++) await ticketFor(owner.citizenId, owner.sessionId);
    const first = await owner.client.request({ action: 'ticket.list', limit: 1 });
    const cursor = String(first.nextCursor);
    const changed = `${cursor.slice(0, 5)}${cursor[5] === 'A' ? 'B' : 'A'}${cursor.slice(6)}`;

    // Act
    const answers = await Promise.all([
      owner.client.request({ action: 'ticket.list', limit: 1, cursor: changed }),
      other.client.request({ action: 'ticket.list', limit: 1, cursor }),
      owner.client.request({ action: 'ticket.list', limit: 1, status: 'completed', cursor }),
      owner.client.request({ action: 'ticket.list', limit: 1, cursor }),
    ]);

    // Assess
    expect(answers.slice(0, 3).map((a) => [a.code, (a.details as { field: string }[])?.[0]?.field])).toEqual([
      ['BAD_REQUEST', 'cursor'],
      ['BAD_REQUEST', 'cursor'],
      ['BAD_REQUEST', 'cursor'],
    ]);
    expect(answers[3]).toMatchObject({ type: 'tickets', items: [expect.any(Object)] });
  });

  it('keeps ticket.list and ticket.get within one frame when the histories are long, saying how much was left out', async () => {
    // Prepare: tickets whose histories hold 60 notes of 2,000 characters (240 KB each).
    const owner = await verifiedCitizen();
    const note = 'я'.repeat(2000);
    const long: Ticket[] = [];
    for (let i = 0; i < 3; i++) {
      const ticket = await ticketFor(owner.citizenId, owner.sessionId);
      const at = new Date().toISOString();
      await documents.send(
        new UpdateCommand({
          TableName: String(process.env.TICKETS_TABLE),
          Key: { ticketId: ticket.ticketId },
          UpdateExpression: 'SET history = :history',
          ExpressionAttributeValues: {
            ':history': Array.from({ length: 60 }, (_, n) => ({
              status: n % 2 === 0 ? 'in_progress' : 'waiting',
              at,
              actor: 'operator',
              note,
            })),
          },
        }),
      );
      long.push(ticket);
    }

    // Act
    const pages = await allPages(owner.client, { action: 'ticket.list' });
    const one = await owner.client.request({ action: 'ticket.get', ticketId: long[0]?.ticketId });

    // Assess
    for (const page of [...pages, one]) expect(frameBytes(page)).toBeLessThan(FRAME_LIMIT_BYTES);
    const listed = pages.flatMap((page) => page.items as TicketView[]);
    expect(listed.map((t) => t.ticketId)).toEqual(long.map((t) => t.ticketId).reverse());
    expect(listed.every((t) => (t.historyOmitted ?? 0) > 0)).toBe(true);
    const ticket = one.ticket as TicketView;
    expect((ticket.historyOmitted ?? 0) + ticket.history.length).toBe(60);
    expect(ticket.history.at(-1)).toMatchObject({ status: 'waiting', note });
  });
});

describe('history.get pages', () => {
  it('cuts a page of long messages short to fit one frame and goes on from its cursor to the last message', async () => {
    // Prepare: 16 messages of 4,000 Cyrillic characters (8 KB each), among the bot's answers and intake.
    const client = await connect({ lang: 'ru' });
    let conversationId = '';
    let lastSeq = 0;
    for (let i = 0; i < 16; i++) {
      const ack = await client.request({
        action: 'message.send',
        clientMessageId: `long-${i}`,
        text: `${i} ${'я'.repeat(3990)}`,
      });
      conversationId = String(ack.conversationId);
      lastSeq = Math.max(lastSeq, Number(ack.seq));
    }

    // Act
    const pages = await allPages(client, { action: 'history.get', conversationId, limit: 100 });
    const forged = await client.request({
      action: 'history.get',
      conversationId,
      cursor: String(pages[0]?.nextCursor).replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')),
    });

    // Assess
    expect(pages.length).toBeGreaterThan(1);
    for (const page of pages) expect(frameBytes(page)).toBeLessThan(FRAME_LIMIT_BYTES);
    const seqs = pages.flatMap((page) => (page.messages as Frame[]).map((m) => Number(m.seq)));
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    expect(seqs.at(-1)).toBeGreaterThanOrEqual(lastSeq);
    expect(pages.at(-1)).toMatchObject({ hasMore: false });
    expect(pages.at(-1)?.nextCursor).toBeUndefined();
    expect(forged).toMatchObject({ type: 'error', code: 'BAD_REQUEST', details: [{ field: 'cursor' }] });
  });
});
