/**
 * Tickets and assignment, end to end on the local stack, through the real assignment: a citizen asks
 * for a person → queued with a ticket number → an operator who goes online gets the conversation →
 * replies reach the citizen → `waiting` (with what is needed) → `in_progress` → `completed` → the
 * feedback request and the rating; forbidden moves are CONFLICT, `completed` is final, the ticket's
 * history lists every transition; another citizen can read neither the ticket nor the conversation.
 *
 * The case is a complaint (an operator-only intent, queue `legal`), taken by a fresh operator with
 * only that skill, so other tests' operators and waiting conversations stay out of it (this
 * operator may also take other tests' waiting complaints: the assertions look for this one).
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import type { TicketView } from '#events/tickets.ts';
import { verifyByEmail } from '../support/citizens.ts';
import { useClients } from '../support/clients.ts';
import { frameWith } from '../support/frames.ts';
import { createAndSignIn } from '../support/operator-sign-in.ts';
import type { Frame } from '../support/ws-client.ts';

const httpUrl = inject('localHttpUrl');
const { connect } = useClients();

const ticketOf = (frame: Frame) => frame.ticket as TicketView;

describe('a ticket from the request for a person to the rating', () => {
  it('is queued with a number, taken by an operator, answered, waits, is completed and rated; forbidden moves change nothing; a stranger reads nothing', async () => {
    // Prepare: a verified citizen with a complaint, and an operator for complaints.
    const citizen = await connect({ lang: 'ru' });
    await verifyByEmail(citizen, httpUrl);
    const opened = await citizen.request({
      action: 'message.send',
      clientMessageId: 'c-1',
      text: 'хочу подать жалобу на сотрудника',
    });
    const conversationId = String(opened.conversationId);
    await frameWith(citizen, (f) => f.type === 'message' && f.from === 'bot' && f.intent === undefined);
    await citizen.request({ action: 'message.send', clientMessageId: 'c-2', text: 'пропустить всё' });
    const queued = await frameWith(
      citizen,
      (f) =>
        f.type === 'conversation.updated' && f.conversationId === conversationId && f.ticket !== undefined,
    );
    const { ticketId, number } = queued.ticket as { ticketId: string; number: string };
    const username = `legal-${randomUUID().slice(0, 8)}`;
    const signed = await createAndSignIn(httpUrl, username, ['operator']);
    const operator = await connect({ token: signed.idToken, lang: 'ru' });
    const setStatus = (status: string, fields: Record<string, unknown> = {}) =>
      operator.request({ action: 'ticket.setStatus', ticketId, status, ...fields });

    // Act: the operator goes online and gets it; a reply and an answer; the ticket's life.
    await operator.request({ action: 'operator.status', status: 'online', skills: ['legal'], maxChats: 20 });
    const assigned = await frameWith(
      operator,
      (f) =>
        f.type === 'conversation.assigned' &&
        (f.conversation as { conversationId?: string }).conversationId === conversationId,
    );
    const taken = await frameWith(
      citizen,
      (f) => f.type === 'ticket.updated' && ticketOf(f).status === 'in_progress',
    );
    await operator.request({
      action: 'operator.reply',
      conversationId,
      clientMessageId: 'op-1',
      text: 'Здравствуйте! Пришлите, пожалуйста, номер обращения в МФЦ.',
    });
    const reply = await frameWith(citizen, (f) => f.type === 'message' && f.from === 'operator');
    const waitingFor = { what: 'номер обращения в МФЦ', until: '2026-12-01T12:00:00Z' };
    const waiting = await setStatus('waiting', { waitingFor, note: 'Жду номер обращения' });
    const citizenSawWaiting = await frameWith(
      citizen,
      (f) => f.type === 'ticket.updated' && ticketOf(f).status === 'waiting',
    );
    const skipped = await setStatus('completed');
    await citizen.request({ action: 'message.send', clientMessageId: 'c-3', text: 'Номер 12345' });
    const relayed = await frameWith(
      operator,
      (f) => f.type === 'message' && f.from === 'citizen' && f.text === 'Номер 12345',
    );
    await setStatus('in_progress');
    const completed = await setStatus('completed', { note: 'Жалоба передана руководителю МФЦ' });
    const feedbackRequest = await frameWith(citizen, (f) => f.type === 'feedback.request');
    const afterFinal = await setStatus('in_progress');
    const rated = await citizen.request({
      action: 'feedback.submit',
      conversationId,
      rating: 5,
      comment: 'Спасибо',
    });
    const ratedAgain = await citizen.request({ action: 'feedback.submit', conversationId, rating: 1 });
    const read = await citizen.request({ action: 'ticket.get', number });
    const stranger = await connect({ lang: 'ru' });
    await verifyByEmail(stranger, httpUrl);
    const strangerTicket = await stranger.request({ action: 'ticket.get', number });
    const strangerHistory = await stranger.request({ action: 'history.get', conversationId });

    // Assess
    expect(number).toMatch(/^GU-\d{8}-[0-9A-HJKMNP-TV-Z]{6}$/);
    expect(assigned).toMatchObject({ ticket: { ticketId, number, status: 'in_progress' } });
    expect(ticketOf(taken)).toMatchObject({ ticketId, statusLabel: 'В работе' });
    expect(reply).toMatchObject({ conversationId, text: expect.stringContaining('номер обращения') });
    expect(ticketOf(waiting)).toMatchObject({ status: 'waiting', waitingFor });
    expect(ticketOf(citizenSawWaiting)).toMatchObject({ statusLabel: 'Ожидание', waitingFor });
    expect(skipped).toMatchObject({ type: 'error', code: 'CONFLICT' });
    expect(relayed).toMatchObject({ conversationId, from: 'citizen' });
    expect(ticketOf(completed)).toMatchObject({ status: 'completed', statusLabel: 'Завершено' });
    expect(feedbackRequest).toEqual({ type: 'feedback.request', conversationId, ticketId });
    expect(afterFinal).toMatchObject({ type: 'error', code: 'CONFLICT' });
    expect(rated).toMatchObject({ type: 'feedback.ack', ticketId, rating: 5 });
    expect(ratedAgain).toMatchObject({ type: 'error', code: 'CONFLICT' });
    expect(ticketOf(read).history.map(({ status, actor }) => `${status}:${actor}`)).toEqual([
      'received:system',
      'in_progress:operator',
      'waiting:operator',
      'in_progress:operator',
      'completed:operator',
    ]);
    expect(ticketOf(read).feedback).toMatchObject({ rating: 5, comment: 'Спасибо' });
    // The bot stayed out once a person had the conversation: nothing from it after the handover's end.
    const botAfterQueued = citizen.frames.filter(
      (f) => f.type === 'message' && f.from === 'bot' && Number(f.seq) > Number(reply.seq),
    );
    expect(botAfterQueued).toEqual([]);
    // By number, someone else's ticket answers like an unknown one (no probing which numbers exist).
    expect([strangerTicket.code, strangerHistory.code]).toEqual(['NOT_FOUND', 'FORBIDDEN']);
  });
});
