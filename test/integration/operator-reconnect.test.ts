import { describe, expect, it } from 'vitest';
import { assignedFor, goOnline, queuedCitizen, staffMember, takeAssigned } from '../support/assignment.ts';
import { useClients } from '../support/clients.ts';
import { takeEscalations } from '../support/escalation-queue.ts';
import { frameWith } from '../support/frames.ts';
import { itemWhen } from '../support/tables.ts';
import type { ChatClient, Frame } from '../support/ws-client.ts';

describe('operator reconnect and the queue of operator.request (local stack)', () => {
  const clients = useClients();

  /** A guest who asked the bot about signing in, then pressed "operator" and skipped the intake. */
  async function queuedAboutSignIn(): Promise<{
    citizen: ChatClient;
    conversationId: string;
    answer: Frame;
  }> {
    const citizen = await clients.connect({ lang: 'ru' });
    const { conversationId, answer } = await queuedCitizen(citizen);
    return { citizen, conversationId, answer };
  }

  const staff = () => staffMember(clients, 'operator');

  it('operator.request after the bot answered about signing in queues the conversation in auth, where an auth-only operator takes it', async () => {
    // Prepare
    const operator = await staff();

    // Act
    const { conversationId, answer } = await queuedAboutSignIn();
    await goOnline(operator.client, ['auth']);
    const assigned = await frameWith(operator.client, assignedFor(conversationId));
    const [escalation] = await takeEscalations(conversationId);
    await operator.client.request({ action: 'operator.status', status: 'offline' });

    // Assess
    expect(String(answer.intent)).toMatch(/^auth\./);
    expect(escalation).toMatchObject({
      category: 'auth',
      reason: 'citizen_request',
      intent: 'support.operator',
    });
    expect(assigned).toMatchObject({ conversation: { conversationId, queue: 'auth', category: 'auth' } });
  });

  it('an operator who reconnects and goes online gets conversation.assigned again for what they hold, and may read its history (without the notes); another operator may not', async () => {
    // Prepare
    const operator = await staff();
    const other = await staff();
    const { citizen, conversationId } = await queuedAboutSignIn();
    await goOnline(operator.client);
    const first = await takeAssigned(operator.client, conversationId);
    const note = await operator.client.request({
      action: 'operator.note',
      conversationId,
      text: 'Проверить номер в профиле',
    });
    await citizen.request({ action: 'message.send', clientMessageId: 'c-3', text: 'Жду ответа' });
    await frameWith(operator.client, (f) => f.type === 'message' && f.conversationId === conversationId);

    // Act: the console loses its connection and comes back within the grace period.
    await operator.client.close();
    await itemWhen('OPERATORS_TABLE', { operatorId: operator.sub }, (o) => o.disconnectedAt !== undefined);
    const back = await clients.connect({ token: operator.token, lang: 'ru' });
    const state = await back.request({ action: 'operator.status', status: 'online' });
    const again = back.frames.find(assignedFor(conversationId));
    const history = await back.request({ action: 'history.get', conversationId, limit: 100 });
    const foreign = await other.client.request({ action: 'history.get', conversationId, limit: 100 });
    const stored = await itemWhen('CONVERSATIONS_TABLE', { conversationId }, () => true);
    await back.request({ action: 'operator.status', status: 'offline' });

    // Assess
    expect(note).toMatchObject({ type: 'note.ack', conversationId });
    expect(state).toMatchObject({ type: 'operator.state', status: 'online' });
    expect(Number(state.activeChats)).toBeGreaterThanOrEqual(1);
    expect(stored).toMatchObject({ state: 'operator', operatorId: operator.sub });
    // Arrives before the answer, with what the first one had and what came since.
    expect(again).toMatchObject({
      conversation: {
        conversationId,
        state: 'operator',
        queue: 'auth',
        assignedAt: (first.conversation as { assignedAt: string }).assignedAt,
      },
      ticket: { ticketId: (first.ticket as { ticketId: string }).ticketId, status: 'in_progress' },
      intake: { problem: expect.any(String) },
      citizen: { verified: false },
      notes: [expect.objectContaining({ kind: 'note', text: 'Проверить номер в профиле' })],
    });
    // The offer named its deadline; accepted since, it is announced again without one.
    const firstView = first.conversation as { assignedAt: string; acceptBy?: string };
    expect(Date.parse(firstView.acceptBy ?? '')).toBeGreaterThan(Date.parse(firstView.assignedAt));
    expect((again?.conversation as { acceptBy?: string } | undefined)?.acceptBy).toBeUndefined();
    expect(((again?.transcript ?? []) as { text: string }[]).map((m) => m.text)).toContain('Жду ответа');
    expect(history).toMatchObject({ type: 'history', conversationId, hasMore: false });
    expect(history.messages).toEqual(again?.transcript);
    expect(JSON.stringify(history)).not.toContain('Проверить номер в профиле');
    expect(foreign).toMatchObject({ type: 'error', code: 'FORBIDDEN' });
  });
});
