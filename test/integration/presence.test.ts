/**
 * Operator presence and accepted assignments on the local stack (docs/protocol.md, "Assignment";
 * docs/architecture.md, "Assignment"): nobody is handed to an operator whose console is gone, an
 * assignment nobody accepts goes back to the front of its queue, and the citizen hears of an
 * operator only once one accepts. The tests run with ACCEPT_SECONDS 5 and OPERATOR_GRACE_SECONDS 2
 * (test/global-setup.ts); citizens ask about signing in, so their conversations wait in `auth`.
 * An operator is online before each citizen asks, so the citizen's first word after the bot's is
 * the ticket's `in_progress`, not a place in line: `askForPerson`, then the operator's frames.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { SqsTimerQueue } from '#adapters/timer-queue.ts';
import { askForPerson, assignedFor, goOnline, staffMember, takeAssigned } from '../support/assignment.ts';
import { useClients } from '../support/clients.ts';
import { frameWith } from '../support/frames.ts';
import { itemWhen } from '../support/tables.ts';
import type { ChatClient, Frame } from '../support/ws-client.ts';

const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}));

const operatorItem = (operatorId: string, match: (item: Record<string, unknown>) => boolean = () => true) =>
  itemWhen('OPERATORS_TABLE', { operatorId }, match);
const conversationItem = (
  conversationId: string,
  match: (item: Record<string, unknown>) => boolean = () => true,
) => itemWhen('CONVERSATIONS_TABLE', { conversationId }, match);

/** The conversations an operator item holds (its `conversations` set; absent when empty). */
const heldConversations = (operator: Record<string, unknown>): string[] =>
  operator.conversations instanceof Set ? [...operator.conversations].map(String) : [];

/** The citizen's frames that announce an operator. */
const operatorAnnouncements = (citizen: ChatClient, conversationId: string): Frame[] =>
  citizen.frames.filter(
    (f) => f.type === 'conversation.updated' && f.conversationId === conversationId && f.state === 'operator',
  );

describe('operator presence and accepted assignments (local stack)', () => {
  const clients = useClients();

  it('hands nothing to a ghost whose console closed without a status change: a connected operator gets the conversation the citizen asked for through the bot', async () => {
    // Prepare: the ghost goes online, then its console closes with no `operator.status` offline.
    const ghost = await staffMember(clients, 'operator', 'ghost-');
    await goOnline(ghost.client, ['auth']);
    await ghost.client.close();
    // What the ghost held when its console closed: on the shared stack, going online may hand it a
    // conversation other tests left waiting in `auth`, legitimately, while it was still connected.
    const gone = await operatorItem(
      ghost.sub,
      (o) => o.disconnectedAt !== undefined || o.status === 'offline',
    );
    const present = await staffMember(clients, 'operator', 'present-');
    await goOnline(present.client, ['auth']);

    // Act: a citizen asks for a person through the bot's intake.
    const citizen = await clients.connect({ lang: 'ru' });
    const { conversationId } = await askForPerson(citizen);
    const assigned = await takeAssigned(present.client, conversationId);
    const told = await frameWith(
      citizen,
      (f) =>
        f.type === 'conversation.updated' && f.conversationId === conversationId && f.state === 'operator',
    );
    const stored = await conversationItem(conversationId);
    const ghostAfter = await operatorItem(ghost.sub);
    await present.client.request({ action: 'operator.status', status: 'offline' });

    // Assess
    expect(assigned).toMatchObject({ conversation: { conversationId, queue: 'auth' } });
    expect(stored).toMatchObject({ state: 'operator', operatorId: present.sub });
    expect(told).toMatchObject({ operator: { displayName: present.username } });
    expect(heldConversations(ghostAfter)).not.toContain(conversationId);
    expect(heldConversations(ghostAfter).filter((id) => !heldConversations(gone).includes(id))).toEqual([]);
  });

  it('offers nothing new to an operator whose console went silent past its lease, and after the grace period puts what they held back at the front of its queue, where a present operator takes it', async () => {
    // Prepare: the ghost holds an accepted conversation; its console stays open but sends nothing.
    const ghost = await staffMember(clients, 'operator', 'silent-');
    await goOnline(ghost.client, ['auth']);
    const first = await clients.connect({ lang: 'ru' });
    const held = await askForPerson(first);
    await takeAssigned(ghost.client, held.conversationId);
    const before = await conversationItem(held.conversationId, (c) => c.acceptedAt !== undefined);

    // Act: PRESENCE_LEASE_SECONDS (45 s) of silence, written rather than waited for: the lease ran out
    // longer ago than OPERATOR_GRACE_SECONDS (2 s).
    await documents.send(
      new UpdateCommand({
        TableName: process.env.OPERATORS_TABLE,
        Key: { operatorId: ghost.sub },
        UpdateExpression: 'SET leaseUntil = :lapsed',
        ExpressionAttributeValues: { ':lapsed': new Date(Date.now() - 10_000).toISOString() },
      }),
    );
    const present = await staffMember(clients, 'operator', 'present-');
    await goOnline(present.client, ['auth']);
    const second = await clients.connect({ lang: 'ru' });
    const asked = await askForPerson(second);
    await takeAssigned(present.client, asked.conversationId);
    // The lease watch's next timer, sent now: its chain would send it 47 s after the ghost's status.
    const { leaseWatch } = await operatorItem(ghost.sub);
    await new SqsTimerQueue(String(process.env.TIMER_QUEUE_URL)).schedule(
      {
        kind: 'operator.lease',
        operatorId: ghost.sub,
        watchId: String(leaseWatch),
        dueAt: new Date().toISOString(),
      },
      0,
    );
    await takeAssigned(present.client, held.conversationId);
    const after = await conversationItem(held.conversationId);
    // Offline first, then what it held goes back one conversation at a time (some may be other
    // tests' conversations it was handed while still present): wait for the last one.
    const ghostAfter = await operatorItem(ghost.sub, (o) => o.status === 'offline' && o.activeChats === 0);
    await present.client.request({ action: 'operator.status', status: 'offline' });

    // Assess: back in its original place, then the present operator's; the ghost was offered nothing.
    expect(after).toMatchObject({ state: 'operator', operatorId: present.sub, queuedAt: before.queuedAt });
    expect(ghostAfter).toMatchObject({ status: 'offline', activeChats: 0 });
    expect(heldConversations(ghostAfter)).toEqual([]);
    expect(ghost.client.frames.filter(assignedFor(asked.conversationId))).toEqual([]);
  });

  it('gives back an assignment nobody accepts within ACCEPT_SECONDS, at the front of its queue, and sets its operator away; the citizen hears of an operator only once one accepts', async () => {
    // Prepare
    const idle = await staffMember(clients, 'operator', 'idle-');
    const present = await staffMember(clients, 'operator', 'present-');
    await goOnline(idle.client, ['auth']);
    const citizen = await clients.connect({ lang: 'ru' });
    const { conversationId } = await askForPerson(citizen);
    await frameWith(idle.client, assignedFor(conversationId));
    const offered = await conversationItem(conversationId, (c) => c.state === 'operator');

    // Act: the idle operator never accepts.
    const away = await frameWith(idle.client, (f) => f.type === 'operator.state' && f.status === 'away');
    const back = await conversationItem(conversationId, (c) => c.state === 'queued');
    const toldBeforeAccept = operatorAnnouncements(citizen, conversationId).length;
    // Within SLA_ASSIGN_SECONDS of its return, or it would move on to the senior queue.
    await goOnline(present.client, ['auth']);
    await takeAssigned(present.client, conversationId);
    const late = await idle.client.request({ action: 'conversation.accept', conversationId });
    const told = await frameWith(
      citizen,
      (f) =>
        f.type === 'conversation.updated' && f.conversationId === conversationId && f.state === 'operator',
    );
    await present.client.request({ action: 'operator.status', status: 'offline' });
    await idle.client.request({ action: 'operator.status', status: 'offline' });

    // Assess
    expect(offered.operatorId).toBe(idle.sub);
    expect(away).toMatchObject({ type: 'operator.state', status: 'away' });
    expect(back).toMatchObject({ queue: 'auth', queuedAt: offered.queuedAt });
    expect(back.acceptedAt).toBeUndefined();
    expect(toldBeforeAccept).toBe(0);
    expect(late).toMatchObject({ type: 'error', code: 'FORBIDDEN' });
    expect(told).toMatchObject({ operator: { displayName: present.username } });
    expect(operatorAnnouncements(citizen, conversationId)).toHaveLength(1);
  });

  it('conversation.accept: the same answer when repeated; FORBIDDEN for another operator or a citizen, NOT_FOUND for an unknown conversation, BAD_REQUEST without a conversationId, and nothing stored', async () => {
    // Prepare
    const operator = await staffMember(clients, 'operator', 'accept-');
    const other = await staffMember(clients, 'operator', 'accept-');
    await goOnline(operator.client, ['auth']);
    const citizen = await clients.connect({ lang: 'ru' });
    const { conversationId } = await askForPerson(citizen);
    await frameWith(operator.client, assignedFor(conversationId));

    // Act
    const byOther = await other.client.request({ action: 'conversation.accept', conversationId });
    const byCitizen = await citizen.request({ action: 'conversation.accept', conversationId });
    const malformed = await operator.client.request({ action: 'conversation.accept' });
    const unknown = await operator.client.request({
      action: 'conversation.accept',
      conversationId: 'no-such-conversation',
    });
    const untouched = await conversationItem(conversationId);
    const accepted = await operator.client.request({ action: 'conversation.accept', conversationId });
    const again = await operator.client.request({ action: 'conversation.accept', conversationId });
    await operator.client.request({ action: 'operator.status', status: 'offline' });

    // Assess
    expect(byOther).toMatchObject({ type: 'error', code: 'FORBIDDEN' });
    expect(byCitizen).toMatchObject({ type: 'error', code: 'FORBIDDEN' });
    expect(malformed).toMatchObject({
      type: 'error',
      code: 'BAD_REQUEST',
      details: [{ field: 'conversationId' }],
    });
    expect(unknown).toMatchObject({ type: 'error', code: 'NOT_FOUND' });
    expect(untouched.acceptedAt).toBeUndefined();
    expect(accepted).toMatchObject({
      type: 'conversation.accepted',
      conversationId,
      acceptedAt: expect.any(String),
    });
    expect(again).toEqual({ ...accepted, requestId: again.requestId });
  });

  it('takes a reply sent before conversation.accept as the acceptance (older consoles keep working)', async () => {
    // Prepare
    const operator = await staffMember(clients, 'operator', 'reply-');
    await goOnline(operator.client, ['auth']);
    const citizen = await clients.connect({ lang: 'ru' });
    const { conversationId } = await askForPerson(citizen);
    await frameWith(operator.client, assignedFor(conversationId));

    // Act
    const ack = await operator.client.request({
      action: 'operator.reply',
      conversationId,
      clientMessageId: 'r-1',
      text: 'Здравствуйте, смотрю.',
    });
    const told = await frameWith(
      citizen,
      (f) =>
        f.type === 'conversation.updated' && f.conversationId === conversationId && f.state === 'operator',
    );
    const reply = await frameWith(citizen, (f) => f.type === 'message' && f.from === 'operator');
    const stored = await conversationItem(conversationId);
    await operator.client.request({ action: 'operator.status', status: 'offline' });

    // Assess
    expect(ack).toMatchObject({ type: 'message.ack', conversationId });
    expect(told).toMatchObject({ operator: { displayName: operator.username } });
    expect(citizen.frames.indexOf(told)).toBeLessThan(citizen.frames.indexOf(reply));
    expect(stored).toMatchObject({ operatorId: operator.sub, acceptedAt: expect.any(String) });
  });

  it('operator.heartbeat renews the presence lease and answers the status and the lease’s end; a citizen may not send it', async () => {
    // Prepare
    const operator = await staffMember(clients, 'operator', 'heartbeat-');
    // Away: present, but offered nothing (no assignment of another test's citizen to answer).
    await operator.client.request({ action: 'operator.status', status: 'away' });
    const { leaseUntil: before } = await operatorItem(operator.sub);
    const citizen = await clients.connect({ lang: 'ru' });

    // Act
    await new Promise((resolve) => setTimeout(resolve, 20));
    const beat = await operator.client.request({ action: 'operator.heartbeat' });
    const stored = await operatorItem(operator.sub);
    const refused = await citizen.request({ action: 'operator.heartbeat' });
    await operator.client.request({ action: 'operator.status', status: 'offline' });

    // Assess
    expect(beat).toMatchObject({ type: 'operator.heartbeat', status: 'away', leaseUntil: stored.leaseUntil });
    expect(String(stored.leaseUntil) > String(before)).toBe(true);
    expect(Date.parse(String(stored.leaseUntil)) - Date.now()).toBeGreaterThan(30_000);
    expect(refused).toMatchObject({ type: 'error', code: 'FORBIDDEN' });
  });
});
