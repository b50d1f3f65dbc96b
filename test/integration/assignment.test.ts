import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, inject, it } from 'vitest';
import { assignedFor, goOnline, queuedCitizen, staffMember, takeAssigned } from '../support/assignment.ts';
import { codeFromOutbox } from '../support/citizens.ts';
import { useClients } from '../support/clients.ts';
import { frameWith } from '../support/frames.ts';
import type { ChatClient, Frame } from '../support/ws-client.ts';

const httpUrl = inject('localHttpUrl');
const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}));

async function conversationItem(conversationId: string): Promise<Record<string, unknown> | undefined> {
  const { Item } = await documents.send(
    new GetCommand({
      TableName: process.env.CONVERSATIONS_TABLE,
      Key: { conversationId },
      ConsistentRead: true,
    }),
  );
  return Item;
}

/** Polls the conversation item until `match` holds. */
async function conversationWhen(
  conversationId: string,
  match: (item: Record<string, unknown>) => boolean,
  timeoutMs = 10_000,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const item = await conversationItem(conversationId);
    if (item && match(item)) return item;
    if (Date.now() > deadline) throw new Error(`conversation never matched: ${JSON.stringify(item)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('assignment (local stack)', () => {
  const clients = useClients();

  /**
   * A guest (or, given a phone, a citizen who identifies with it first) who asks for a person and
   * skips the intake: queued with a ticket, told its place.
   */
  async function queuedGuest(
    phone?: string,
  ): Promise<{ citizen: ChatClient; conversationId: string; update: Frame }> {
    const citizen = await clients.connect({ lang: 'ru' });
    if (phone !== undefined) {
      await citizen.request({ action: 'auth.requestCode', phone });
      const code = await codeFromOutbox(httpUrl, phone);
      const verified = await citizen.request({ action: 'auth.verifyCode', code });
      if (verified.type !== 'auth.verified') throw new Error(`not verified: ${JSON.stringify(verified)}`);
    }
    const { conversationId, update } = await queuedCitizen(citizen);
    return { citizen, conversationId, update };
  }

  const staff = (role: 'operator' | 'senior') => staffMember(clients, role);

  it('queues a citizen with a ticket number and a place; the operator who goes online gets it with the whole transcript and accepts it; the citizen sees the operator and the ticket in progress', async () => {
    // Prepare
    const operator = await staff('operator');
    const { citizen, conversationId, update } = await queuedGuest();

    // Act
    const state = await goOnline(operator.client);
    const assigned = await takeAssigned(operator.client, conversationId);
    const withOperator = await frameWith(
      citizen,
      (f) =>
        f.type === 'conversation.updated' && f.conversationId === conversationId && f.state === 'operator',
    );
    const inProgress = await frameWith(
      citizen,
      (f) => f.type === 'ticket.updated' && (f.ticket as { status?: string }).status === 'in_progress',
    );
    const history = await citizen.request({ action: 'history.get', conversationId, limit: 100 });
    const stats = await operator.client.request({ action: 'queue.stats' });
    const offline = await operator.client.request({ action: 'operator.status', status: 'offline' });
    const handedBack = await conversationWhen(conversationId, (c) => c.state !== 'operator');

    // Assess
    expect(update).toMatchObject({
      state: 'queued',
      ticket: { ticketId: expect.any(String), number: expect.stringMatching(/^GU-\d{8}-[0-9A-Z]{6}$/) },
      queuePosition: expect.any(Number),
      etaSeconds: expect.any(Number),
    });
    expect(Number(update.queuePosition)).toBeGreaterThanOrEqual(1);
    expect(state).toMatchObject({
      type: 'operator.state',
      status: 'online',
      skills: ['auth', 'general'],
      maxChats: 20,
    });
    expect(Number(state.activeChats)).toBeGreaterThanOrEqual(1);
    expect(assigned).toMatchObject({
      conversation: { conversationId, state: 'operator', lang: 'ru', reason: 'citizen_request' },
      ticket: { ticketId: (update.ticket as { ticketId: string }).ticketId, status: 'in_progress' },
      intake: { problem: expect.any(String) },
      citizen: { verified: false },
    });
    expect(assigned.transcript).toEqual(history.messages);
    expect((assigned.transcript as unknown[]).length).toBeGreaterThanOrEqual(5);
    expect(withOperator).toMatchObject({ state: 'operator', operator: { displayName: operator.username } });
    expect(
      (inProgress.ticket as { history: { status: string; actor: string }[] }).history.at(-1),
    ).toMatchObject({
      status: 'in_progress',
      actor: 'operator',
    });
    expect(stats).toMatchObject({
      type: 'queue.stats',
      byQueue: { general: { waiting: expect.any(Number) } },
    });
    // Going offline hands what they hold back to the line, at its old place.
    expect(offline).toMatchObject({ status: 'offline', activeChats: 0 });
    expect(handedBack).toMatchObject({ state: 'queued', queuedAt: expect.any(String) });
    expect(Object.keys(stats.byQueue as object).sort()).toEqual(
      ['applications', 'auth', 'documents', 'general', 'legal', 'mfc', 'senior'].sort(),
    );
  });

  it('shows the operator a citizen identified by phone as verified, with the phone masked and never whole', async () => {
    // Prepare
    const phone = `+7916${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
    const operator = await staff('operator');
    const { conversationId } = await queuedGuest(phone);

    // Act
    await goOnline(operator.client);
    const assigned = await frameWith(operator.client, assignedFor(conversationId));
    await operator.client.request({ action: 'operator.status', status: 'offline' });

    // Assess
    // Their tickets (an extension): here the one this conversation opened.
    const ticket = assigned.ticket as { ticketId: string; number: string };
    expect(assigned.citizen).toEqual({
      verified: true,
      maskedPhone: `+7 ********${phone.slice(-2)}`,
      tickets: [
        {
          ticketId: ticket.ticketId,
          number: ticket.number,
          status: expect.any(String),
          createdAt: expect.any(String),
        },
      ],
    });
    expect(JSON.stringify(assigned)).not.toContain(phone.slice(2));
  });

  it('tells the operator who holds the conversation at once when its citizen identifies: the card anew, verified, the phone masked', async () => {
    // Prepare: a guest's conversation taken by an operator.
    const phone = `+7916${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
    const operator = await staff('operator');
    const { citizen, conversationId } = await queuedGuest();
    await goOnline(operator.client);
    const assigned = await takeAssigned(operator.client, conversationId);

    // Act: the citizen identifies by phone in the same conversation.
    const told = frameWith(
      operator.client,
      (f) => f.type === 'conversation.citizen' && f.conversationId === conversationId,
    );
    await citizen.request({ action: 'auth.requestCode', phone });
    const verified = await citizen.request({
      action: 'auth.verifyCode',
      code: await codeFromOutbox(httpUrl, phone),
    });
    const card = await told;
    await operator.client.request({ action: 'operator.status', status: 'offline' });

    // Assess
    expect(assigned.citizen).toMatchObject({ verified: false });
    expect(verified.type).toBe('auth.verified');
    expect(card.citizen).toMatchObject({
      verified: true,
      maskedPhone: `+7 ********${phone.slice(-2)}`,
      tickets: [{ ticketId: (assigned.ticket as { ticketId: string }).ticketId }],
    });
    expect(JSON.stringify(card)).not.toContain(phone.slice(2));
  });

  it('keeps a ticket nobody picks up within SLA_ASSIGN_SECONDS (3 s) at the head of its queue as a breach and offers it to seniors first: the senior who goes online gets it', async () => {
    // Prepare
    const phone = `+7916${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
    const { citizen, conversationId } = await queuedGuest(phone);

    // Act
    const breached = await conversationWhen(conversationId, (c) => c.slaBreachedEntryId !== undefined);
    const senior = await staff('senior');
    const state = await senior.client.request({ action: 'operator.status', status: 'online', maxChats: 20 });
    const assigned = await frameWith(senior.client, assignedFor(conversationId));
    const stored = await conversationWhen(conversationId, (c) => c.state === 'operator');
    await senior.client.request({ action: 'operator.status', status: 'offline' });
    const citizenTicket = await citizen.request({
      action: 'ticket.get',
      ticketId: (assigned.ticket as { ticketId: string }).ticketId,
    });

    // Assess: still in its own queue, same stay, breach recorded on it.
    expect(breached).toMatchObject({
      state: 'queued',
      queue: expect.not.stringMatching(/^senior$/),
      slaBreachedAt: expect.any(String),
    });
    expect(breached.slaBreachedEntryId).toBe(breached.queueEntryId);
    expect(state.skills).toContain('senior');
    // Taken through the senior queue (seniors look there first), from its category's line.
    expect(assigned).toMatchObject({ conversation: { queue: 'senior', slaBreached: true } });
    // The breach is in the history for staff; the citizen's view of the same ticket leaves it out.
    expect(
      (assigned.ticket as { history: { status: string; actor: string; staffNote?: string }[] }).history.at(
        -1,
      ),
    ).toMatchObject({
      status: 'in_progress',
      actor: 'senior',
      staffNote: expect.stringContaining('SLA breach'),
    });
    expect(JSON.stringify(citizenTicket)).not.toContain('SLA');
    expect((citizenTicket.ticket as { history: { status: string }[] }).history.at(-1)).toEqual({
      status: 'in_progress',
      at: expect.any(String),
      actor: 'senior',
    });
    expect(stored).toMatchObject({ operatorId: senior.sub, assignedQueue: breached.queue });
  });

  it('puts the conversation of an operator who does not come back within the grace period back at the front of its queue', async () => {
    // Prepare
    const operator = await staff('operator');
    const { citizen, conversationId } = await queuedGuest();
    await goOnline(operator.client);
    await takeAssigned(operator.client, conversationId);
    const assignedAt = await conversationWhen(conversationId, (c) => c.state === 'operator');

    // Act
    await operator.client.close();
    const requeued = await conversationWhen(conversationId, (c) => c.state !== 'operator', 8000);
    const told = await frameWith(
      citizen,
      (f) =>
        f.type === 'conversation.updated' &&
        f.conversationId === conversationId &&
        f.state === 'queued' &&
        citizen.frames.indexOf(f) > citizen.frames.findIndex((g) => g.state === 'operator'),
    );

    // Assess
    expect(assignedAt.operatorId).toBe(operator.sub);
    expect(requeued).toMatchObject({ state: 'queued', queuedAt: assignedAt.queuedAt });
    expect(requeued.operatorId).toBeUndefined();
    expect(told).toMatchObject({ state: 'queued', queuePosition: expect.any(Number) });
  });

  it('gives an operator the next waiting conversation as soon as a ticket they completed frees their slot', async () => {
    // Prepare: one slot, two citizens waiting.
    const operator = await staff('operator');
    await queuedGuest();
    await queuedGuest();
    await goOnline(operator.client, ['general', 'auth'], 1);
    const offered = await frameWith(operator.client, (f) => f.type === 'conversation.assigned');
    const firstId = (offered.conversation as { conversationId: string }).conversationId;
    const first = await takeAssigned(operator.client, firstId);

    // Act
    const completed = await operator.client.request({
      action: 'ticket.setStatus',
      ticketId: (first.ticket as { ticketId: string }).ticketId,
      status: 'completed',
    });
    const next = await frameWith(
      operator.client,
      (f) =>
        f.type === 'conversation.assigned' &&
        (f.conversation as { conversationId: string }).conversationId !== firstId,
    );
    const state = await operator.client.request({ action: 'operator.status', status: 'away' });
    const closed = await conversationItem(firstId);

    // Assess
    expect(completed).toMatchObject({ type: 'ticket.updated', ticket: { status: 'completed' } });
    expect(closed).toMatchObject({ state: 'closed' });
    expect(next).toMatchObject({ conversation: { state: 'operator' }, ticket: { status: 'in_progress' } });
    expect(state).toMatchObject({ status: 'away', activeChats: 1, maxChats: 1 });
  });

  it('frees a slot whose conversation was closed without its release (a release lost after the ticket commit) at the next operator.status', async () => {
    // Prepare
    const operator = await staff('operator');
    const { conversationId } = await queuedGuest();
    await goOnline(operator.client);
    await takeAssigned(operator.client, conversationId);
    const before = await operator.client.request({ action: 'operator.status', status: 'away' });
    await documents.send(
      new UpdateCommand({
        TableName: process.env.CONVERSATIONS_TABLE,
        Key: { conversationId },
        UpdateExpression: 'SET #state = :closed',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':closed': 'closed' },
      }),
    );

    // Act
    const after = await operator.client.request({ action: 'operator.status', status: 'away' });

    // Assess
    expect(Number(after.activeChats)).toBe(Number(before.activeChats) - 1);
  });

  it('operator.next: CONFLICT until online; queue.empty when nothing waits in the operator’s queues; the senior queue is not a first-line skill', async () => {
    // Prepare
    const operator = await staff('operator');

    // Act
    const offline = await operator.client.request({ action: 'operator.next' });
    const seniorOnly = await operator.client.request({
      action: 'operator.status',
      status: 'online',
      skills: ['senior'],
    });
    await goOnline(operator.client, ['mfc']);
    // Whatever waited in mfc was just assigned to them; now nothing does.
    const next = await operator.client.request({ action: 'operator.next' });
    await operator.client.request({ action: 'operator.status', status: 'away' });

    // Assess
    expect(offline).toMatchObject({ type: 'error', code: 'CONFLICT' });
    // The senior queue is for seniors: a first-line operator asking for it alone has no skill left.
    expect(seniorOnly).toMatchObject({ type: 'error', code: 'BAD_REQUEST', details: [{ field: 'skills' }] });
    expect(next).toEqual({ type: 'queue.empty', requestId: expect.any(String) });
  });
});
