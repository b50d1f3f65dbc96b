/**
 * Tickets end to end on the local stack (docs/requirements.md#tickets, docs/requirements.md#feedback): an operator moves a
 * ticket through its whole life and the citizen sees every step in their language, with the
 * history; forbidden moves are CONFLICT and change nothing; a citizen sees only their own tickets;
 * two staff changing one ticket at once: one wins, one CONFLICT; the rating is asked for once the
 * ticket is completed and taken once. Tickets are opened with `openTicket` (what the escalation
 * consumer calls) and the assignment is written as the assignment writes it, so these tests depend
 * on nothing but the ticket routes.
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
import { polledFrameWith } from '../support/frames.ts';
import { createAndSignIn, signInAs } from '../support/operator-sign-in.ts';
import type { ChatClient } from '../support/ws-client.ts';

const { connect } = useClients();
const httpUrl = inject('localHttpUrl');
const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const tickets = () =>
  new DynamoTicketRepository({
    ticketsTable: String(process.env.TICKETS_TABLE),
    conversationsTable: String(process.env.CONVERSATIONS_TABLE),
  });

const ticketUpdate = (client: ChatClient, status: string) =>
  polledFrameWith(
    client,
    (f) =>
      f.type === 'ticket.updated' && f.requestId === undefined && (f.ticket as TicketView).status === status,
    5000,
  );

interface Citizen {
  client: ChatClient;
  sessionId: string;
  citizenId?: string;
  conversationId: string;
}

/** A citizen with an open conversation (one message sent), verified by e-mail unless `guest`. */
async function citizen(
  options: { lang?: 'ru' | 'en'; guest?: boolean; email?: string } = {},
): Promise<Citizen> {
  const client = await connect({ lang: options.lang ?? 'ru' });
  const welcome = await client.request({ action: 'hello' });
  const ack = await client.request({
    action: 'message.send',
    clientMessageId: randomUUID(),
    text: 'позовите оператора',
  });
  const verified = options.guest ? undefined : await verifyByEmail(client, httpUrl, options.email);
  return {
    client,
    sessionId: String(welcome.sessionId),
    conversationId: String(ack.conversationId),
    ...(verified ? { citizenId: String(verified.citizenId) } : {}),
  };
}

/** The ticket the escalation consumer opens for the citizen's conversation. */
async function ticketOf(owner: Citizen): Promise<Ticket> {
  const { ticket } = await openTicket(
    { tickets: tickets(), clock: { now: () => new Date() }, retentionDays: 1 },
    {
      conversationId: owner.conversationId,
      sessionId: owner.sessionId,
      ...(owner.citizenId ? { citizenId: owner.citizenId } : {}),
      category: 'auth',
      intent: 'auth.password_reset',
      intake: { problem: 'не приходит СМС с кодом' },
      lang: 'ru',
      attempt: 1,
    },
  );
  return ticket;
}

/** What the assignment writes when it gives the conversation to an operator. */
async function assign(conversationId: string, operatorId: string): Promise<void> {
  await documents.send(
    new UpdateCommand({
      TableName: String(process.env.CONVERSATIONS_TABLE),
      Key: { conversationId },
      UpdateExpression:
        'SET #state = :operator, operatorId = :operatorId, operatorName = :name, assignedAt = :now',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: {
        ':operator': 'operator',
        ':operatorId': operatorId,
        ':name': 'Оператор',
        ':now': new Date().toISOString(),
      },
    }),
  );
}

async function staff(role: 'operator' | 'senior'): Promise<{ client: ChatClient; sub: string }> {
  const signed = await signInAs(httpUrl, role);
  return { client: await connect({ token: signed.idToken, lang: 'ru' }), sub: signed.sub };
}

const setStatus = (
  client: ChatClient,
  ticketId: string,
  status: string,
  fields: Record<string, unknown> = {},
) => client.request({ action: 'ticket.setStatus', ticketId, status, ...fields });

describe('the life of a ticket', () => {
  it('goes received → in_progress → waiting → in_progress → completed, each step pushed to the citizen with its label and the history', async () => {
    // Prepare
    const owner = await citizen({ lang: 'en' });
    const ticket = await ticketOf(owner);
    const operator = await staff('operator');
    await assign(owner.conversationId, operator.sub);
    const waitingFor = { what: 'a scan of your passport', until: '2026-12-01T12:00:00Z' };

    // Act
    const taken = await setStatus(operator.client, ticket.ticketId, 'in_progress', { note: 'Взял в работу' });
    const waiting = await setStatus(operator.client, ticket.ticketId, 'waiting', { waitingFor });
    const pushedWaiting = await ticketUpdate(owner.client, 'waiting');
    const back = await setStatus(operator.client, ticket.ticketId, 'in_progress');
    const done = await setStatus(operator.client, ticket.ticketId, 'completed', { note: 'Пароль сброшен' });
    const pushedDone = await ticketUpdate(owner.client, 'completed');
    const feedbackRequest = await polledFrameWith(owner.client, (f) => f.type === 'feedback.request', 5000);
    const closed = await polledFrameWith(
      owner.client,
      (f) => f.type === 'conversation.updated' && f.state === 'closed',
      5000,
    );
    const read = await owner.client.request({ action: 'ticket.get', number: ticket.number.toLowerCase() });

    // Assess
    expect([taken, waiting, back, done].map((f) => [f.type, (f.ticket as TicketView).status])).toEqual([
      ['ticket.updated', 'in_progress'],
      ['ticket.updated', 'waiting'],
      ['ticket.updated', 'in_progress'],
      ['ticket.updated', 'completed'],
    ]);
    // The operator reads labels in the operator's language, the citizen in theirs.
    expect(taken.ticket).toMatchObject({ statusLabel: 'В работе' });
    expect(pushedWaiting.ticket).toMatchObject({ statusLabel: 'Waiting', waitingFor });
    expect(pushedDone.ticket).toMatchObject({ statusLabel: 'Completed', number: ticket.number });
    expect(feedbackRequest).toEqual({
      type: 'feedback.request',
      conversationId: owner.conversationId,
      ticketId: ticket.ticketId,
    });
    expect(closed).toMatchObject({
      conversationId: owner.conversationId,
      ticket: { ticketId: ticket.ticketId, number: ticket.number },
    });
    expect(read.type).toBe('ticket');
    expect(
      (read.ticket as TicketView).history.map(({ status, actor, note }) => ({ status, actor, note })),
    ).toEqual([
      { status: 'received', actor: 'system', note: undefined },
      { status: 'in_progress', actor: 'operator', note: 'Взял в работу' },
      { status: 'waiting', actor: 'operator', note: undefined },
      { status: 'in_progress', actor: 'operator', note: undefined },
      { status: 'completed', actor: 'operator', note: 'Пароль сброшен' },
    ]);
    expect(JSON.stringify(read.ticket)).not.toContain(operator.sub);
  });

  it('answers CONFLICT to every move the state machine forbids, BAD_REQUEST to a wait or refusal without its reason, and changes nothing', async () => {
    // Prepare
    const owner = await citizen();
    const ticket = await ticketOf(owner);
    const operator = await staff('operator');
    await assign(owner.conversationId, operator.sub);

    // Act
    const fromReceived = await setStatus(operator.client, ticket.ticketId, 'waiting', {
      waitingFor: 'паспорт',
    });
    const toReceived = await setStatus(operator.client, ticket.ticketId, 'received');
    await setStatus(operator.client, ticket.ticketId, 'in_progress');
    const waitWithoutWhat = await setStatus(operator.client, ticket.ticketId, 'waiting');
    const rejectWithoutReason = await setStatus(operator.client, ticket.ticketId, 'rejected');
    const again = await setStatus(operator.client, ticket.ticketId, 'in_progress');
    await setStatus(operator.client, ticket.ticketId, 'completed');
    const afterFinal = await Promise.all(
      ['in_progress', 'waiting', 'rejected', 'completed'].map((status) =>
        setStatus(operator.client, ticket.ticketId, status, { waitingFor: 'x', rejectReason: 'y' }),
      ),
    );
    const stored = await tickets().get(ticket.ticketId);

    // Assess
    expect([fromReceived, toReceived, again, ...afterFinal].map((f) => f.code)).toEqual(
      Array(7).fill('CONFLICT'),
    );
    expect(waitWithoutWhat).toMatchObject({ code: 'BAD_REQUEST', details: [{ field: 'waitingFor' }] });
    expect(rejectWithoutReason).toMatchObject({ code: 'BAD_REQUEST', details: [{ field: 'rejectReason' }] });
    expect(stored?.history.map((h) => h.status)).toEqual(['received', 'in_progress', 'completed']);
  });

  it('lets only the assigned operator or a senior change a ticket; a citizen may not, an unknown ticket is NOT_FOUND', async () => {
    // Prepare
    const owner = await citizen();
    const ticket = await ticketOf(owner);
    const assigned = await staff('operator');
    await assign(owner.conversationId, assigned.sub);
    const other = await createAndSignIn(httpUrl, `operator-${randomUUID()}`, ['operator']);
    const otherClient = await connect({ token: other.idToken });
    const senior = await staff('senior');

    // Act
    const byOther = await setStatus(otherClient, ticket.ticketId, 'in_progress');
    const byCitizen = await setStatus(owner.client, ticket.ticketId, 'in_progress');
    const unknown = await setStatus(senior.client, `t-${randomUUID()}`, 'in_progress');
    const bySenior = await setStatus(senior.client, ticket.ticketId, 'in_progress');

    // Assess
    expect([byOther.code, byCitizen.code, unknown.code]).toEqual(['FORBIDDEN', 'FORBIDDEN', 'NOT_FOUND']);
    expect(bySenior).toMatchObject({ type: 'ticket.updated', ticket: { status: 'in_progress' } });
    expect((bySenior.ticket as TicketView).history.at(-1)).toMatchObject({ actor: 'senior' });
  });

  it('stores one of two changes made at the same moment by two staff; the other gets CONFLICT', async () => {
    // Prepare
    const owner = await citizen();
    const ticket = await ticketOf(owner);
    const operator = await staff('operator');
    const senior = await staff('senior');
    await assign(owner.conversationId, operator.sub);
    await setStatus(operator.client, ticket.ticketId, 'in_progress');

    // Act
    const answers = await Promise.all([
      setStatus(operator.client, ticket.ticketId, 'waiting', { waitingFor: 'справка' }),
      setStatus(senior.client, ticket.ticketId, 'completed'),
    ]);
    const stored = await tickets().get(ticket.ticketId);

    // Assess
    expect(answers.map((a) => a.type).sort()).toEqual(['error', 'ticket.updated']);
    expect(answers.find((a) => a.type === 'error')?.code).toBe('CONFLICT');
    const winner = answers.find((a) => a.type === 'ticket.updated')?.ticket as TicketView;
    expect(stored?.status).toBe(winner.status);
    expect(stored?.history).toHaveLength(3);
  });
});

describe('who reads a ticket', () => {
  it('shows a citizen their own tickets only: another citizen gets FORBIDDEN by id, NOT_FOUND by number (no probing which numbers exist) and an empty list', async () => {
    // Prepare
    const owner = await citizen();
    const ticket = await ticketOf(owner);
    const stranger = await citizen();

    // Act
    const byId = await stranger.client.request({ action: 'ticket.get', ticketId: ticket.ticketId });
    const byNumber = await stranger.client.request({ action: 'ticket.get', number: ticket.number });
    const strangersList = await stranger.client.request({ action: 'ticket.list' });
    const ownersList = await owner.client.request({ action: 'ticket.list' });
    const unknown = await owner.client.request({ action: 'ticket.get', number: 'GU-20000101-000000' });

    // Assess
    expect([byId.code, byNumber.code, unknown.code]).toEqual(['FORBIDDEN', 'NOT_FOUND', 'NOT_FOUND']);
    expect(byNumber.message).toBe(unknown.message);
    expect(strangersList).toMatchObject({ type: 'tickets', items: [] });
    expect((ownersList.items as TicketView[]).map((t) => t.ticketId)).toEqual([ticket.ticketId]);
  });

  it('asks a guest to identify first, and lists the tickets of their guest session once they have', async () => {
    // Prepare
    const guest = await citizen({ guest: true });
    const ticket = await ticketOf(guest);

    // Act
    const before = await guest.client.request({ action: 'ticket.get', ticketId: ticket.ticketId });
    await verifyByEmail(guest.client, httpUrl);
    const after = await guest.client.request({ action: 'ticket.list' });

    // Assess
    expect(before.code).toBe('UNAUTHORIZED');
    expect((after.items as TicketView[]).map((t) => [t.ticketId, t.statusLabel])).toEqual([
      [ticket.ticketId, 'Получено'],
    ]);
  });

  it('lets staff read any ticket', async () => {
    // Prepare
    const ticket = await ticketOf(await citizen());
    const operator = await staff('operator');

    // Act
    const read = await operator.client.request({ action: 'ticket.get', ticketId: ticket.ticketId });

    // Assess
    expect(read).toMatchObject({ type: 'ticket', ticket: { ticketId: ticket.ticketId, status: 'received' } });
  });
});

describe('feedback on a ticket', () => {
  it('takes one rating of 1–5 after completion: before it CONFLICT, 0 and 6 BAD_REQUEST, a second CONFLICT, another citizen FORBIDDEN', async () => {
    // Prepare
    const owner = await citizen();
    const ticket = await ticketOf(owner);
    const senior = await staff('senior');
    const stranger = await citizen();
    const submit = (client: ChatClient, rating: number) =>
      client.request({
        action: 'feedback.submit',
        conversationId: owner.conversationId,
        rating,
        comment: 'Спасибо!',
      });

    // Act
    const early = await submit(owner.client, 5);
    await setStatus(senior.client, ticket.ticketId, 'in_progress');
    await setStatus(senior.client, ticket.ticketId, 'completed');
    const outOfRange = [
      await submit(owner.client, 0),
      await submit(owner.client, 6),
      await submit(owner.client, 4.5),
    ];
    const notYours = await submit(stranger.client, 5);
    const ack = await submit(owner.client, 5);
    const second = await submit(owner.client, 1);
    const stored = await tickets().get(ticket.ticketId);

    // Assess
    expect(early.code).toBe('CONFLICT');
    expect(outOfRange.map((f) => [f.code, (f.details as { field: string }[])[0]?.field])).toEqual(
      Array(3).fill(['BAD_REQUEST', 'rating']),
    );
    expect(notYours.code).toBe('FORBIDDEN');
    expect(ack).toMatchObject({
      type: 'feedback.ack',
      ticketId: ticket.ticketId,
      conversationId: owner.conversationId,
      rating: 5,
    });
    expect(second.code).toBe('CONFLICT');
    expect(stored?.feedback).toMatchObject({ rating: 5, comment: 'Спасибо!' });
  });
});

describe("the portal's feedback form (POST /feedback)", () => {
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${httpUrl}/feedback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  it('creates a received ticket and answers 201 with its number; the citizen who identifies with that e-mail sees it', async () => {
    // Prepare
    const email = `portal-${randomUUID()}@example.org`;

    // Act
    const response = await post({
      name: 'Иван',
      contact: email,
      text: 'Не могу записаться в МФЦ',
      category: 'mfc',
    });
    const created = (await response.json()) as { ticketId: string; number: string };
    const owner = await citizen({ email });
    const list = await owner.client.request({ action: 'ticket.list' });
    const byNumber = await owner.client.request({ action: 'ticket.get', number: created.number });
    const operator = await staff('operator');
    const newTickets = await operator.client.request({ action: 'ticket.list', limit: 50 });
    const taken = await setStatus(operator.client, created.ticketId, 'in_progress');
    const inProgress = await operator.client.request({
      action: 'ticket.list',
      status: 'in_progress',
      limit: 50,
    });
    await setStatus(operator.client, created.ticketId, 'completed', { note: 'Запись открыта' });
    const pushed = await ticketUpdate(owner.client, 'completed');
    const rated = await owner.client.request({
      action: 'feedback.submit',
      ticketId: created.ticketId,
      rating: 4,
    });

    // Assess
    expect(response.status).toBe(201);
    expect(created.number).toMatch(/^GU-\d{8}-[0-9A-HJKMNP-TV-Z]{6}$/);
    expect((list.items as TicketView[]).map((t) => t.ticketId)).toEqual([created.ticketId]);
    expect(byNumber.ticket).toMatchObject({
      ticketId: created.ticketId,
      status: 'received',
      category: 'mfc',
    });
    expect(JSON.stringify(byNumber.ticket)).not.toContain(email);
    // Staff find it among the new tickets, with what to answer and where to.
    expect((newTickets.items as TicketView[]).find((t) => t.ticketId === created.ticketId)).toMatchObject({
      source: 'portal',
      intake: { problem: 'Не могу записаться в МФЦ' },
      contact: { name: 'Иван', channel: 'email', address: email },
    });
    expect((inProgress.items as TicketView[]).map((t) => t.ticketId)).toContain(created.ticketId);
    // A portal ticket has no conversation, so no operator is assigned to it: any operator may take it.
    expect(taken).toMatchObject({ type: 'ticket.updated', ticket: { status: 'in_progress' } });
    // The citizen of that e-mail is told, and rates it by its id (it has no conversation).
    expect(pushed.ticket).toMatchObject({ ticketId: created.ticketId, statusLabel: 'Завершено' });
    expect(owner.client.frames.some((f) => f.type === 'feedback.request')).toBe(false);
    expect(rated).toMatchObject({ type: 'feedback.ack', ticketId: created.ticketId, rating: 4 });
  });

  // The other half, a contact proven after the post, is the test above: that citizen sees it.
  it("files a form posted with someone else's contact under that contact, not under the citizen who proved it before: no ticket, no push, no note reaches them", async () => {
    // Prepare: the victim identified with their e-mail earlier; a stranger then posts the form with it.
    const email = `victim-${randomUUID()}@example.org`;
    const victim = await citizen({ email });
    const operator = await staff('operator');

    // Act
    const response = await post({ contact: email.toUpperCase(), text: 'Чужое обращение' });
    const posted = (await response.json()) as { ticketId: string; number: string };
    const victimList = await victim.client.request({ action: 'ticket.list' });
    const victimByNumber = await victim.client.request({ action: 'ticket.get', number: posted.number });
    const victimById = await victim.client.request({ action: 'ticket.get', ticketId: posted.ticketId });
    const taken = await setStatus(operator.client, posted.ticketId, 'in_progress', {
      note: 'Записка для заявителя',
    });
    // A push to the victim would have come by now: the ticket notices run within a second.
    await new Promise((resolve) => setTimeout(resolve, 1500));

    // Assess
    expect(response.status).toBe(201);
    expect((victimList.items as TicketView[]).map((t) => t.ticketId)).not.toContain(posted.ticketId);
    expect(victimByNumber).toMatchObject({ type: 'error', code: 'NOT_FOUND' });
    expect(victimById).toMatchObject({ type: 'error', code: 'FORBIDDEN' });
    // Nothing of it reached the open connection of the earlier proof: no push, no note.
    expect(taken).toMatchObject({ type: 'ticket.updated', ticket: { status: 'in_progress' } });
    expect(JSON.stringify(victim.client.frames)).not.toContain(posted.ticketId);
    expect(JSON.stringify(victim.client.frames)).not.toContain('Записка для заявителя');
  });

  it('answers a repeated Idempotency-Key with the first ticket, and 422 when the key comes with another request', async () => {
    // Prepare
    const key = randomUUID();
    const body = { contact: '+7 (916) 123-45-67', text: 'Ошибка при оплате пошлины' };

    // Act
    const first = await post(body, { 'idempotency-key': key });
    const again = await post(body, { 'Idempotency-Key': key });
    const other = await post({ ...body, text: 'другое' }, { 'idempotency-key': key });

    // Assess
    expect([first.status, again.status, other.status]).toEqual([201, 201, 422]);
    expect(await again.json()).toEqual(await first.json());
    expect(again.headers.get('idempotent-replayed')).toBe('true');
  });

  it('refuses a body over 32 KB with 413, unread, in the language of Accept-Language', async () => {
    // Act
    const answer = await fetch(`${httpUrl}/feedback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'accept-language': 'en-GB,en;q=0.9,ru;q=0.5' },
      body: JSON.stringify({ contact: 'a@example.org', text: 'x', name: 'я'.repeat(17_000) }),
    });
    const body = (await answer.json()) as { code: string; message: string };

    // Assess
    expect(answer.status).toBe(413);
    expect(body.code).toBe('PAYLOAD_TOO_LARGE');
    expect(body.message).toMatch(/^[\x20-\x7e]+$/);
  });

  it('refuses a bad contact, an empty or missing text, and a body that is not JSON with 400 naming the field', async () => {
    // Act
    const answers = await Promise.all([
      post({ contact: 'not a contact', text: 'x' }),
      post({ contact: 'a@example.org', text: '   ' }),
      post({ contact: 'a@example.org' }),
      post('{not json'),
    ]);
    const bodies = (await Promise.all(answers.map((a) => a.json()))) as {
      code: string;
      details: { field: string }[];
    }[];

    // Assess
    expect(answers.map((a) => a.status)).toEqual([400, 400, 400, 400]);
    expect(bodies.map((b) => [b.code, b.details[0]?.field])).toEqual([
      ['BAD_REQUEST', 'contact'],
      ['BAD_REQUEST', 'text'],
      ['BAD_REQUEST', 'text'],
      ['BAD_REQUEST', 'body'],
    ]);
  });
});
