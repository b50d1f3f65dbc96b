/**
 * Which tickets staff work with, on the local stack: an operator reads, lists and changes only the
 * tickets of the queues they serve (their skills: the ticket's category) and of the conversations
 * they hold; a senior all of them. Portal-form tickets, which no conversation brings to anyone, are
 * the case in point. A staff page of `ticket.list` is recorded in the access journal.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { DynamoAccessJournal } from '#adapters/dynamodb/access-journal.ts';
import { useClients } from '../support/clients.ts';
import { createAndSignIn } from '../support/operator-sign-in.ts';

const httpUrl = inject('localHttpUrl');
const { connect } = useClients();

/** A portal-form ticket of `category`: its id and number. */
async function portalTicket(
  category: string,
  contact = `scope-${randomUUID()}@example.org`,
): Promise<{ ticketId: string; number: string }> {
  const response = await fetch(`${httpUrl}/feedback`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      contact,
      category,
      text: `Вопрос (${category})`,
    }),
  });
  expect(response.status).toBe(201);
  return (await response.json()) as { ticketId: string; number: string };
}

/** A new member of staff in `group`, connected, saying `away` (nothing is assigned to them) with `skills`. */
async function staffServing(group: 'operator' | 'senior', skills?: string[]) {
  return (await signedInStaff(group, skills)).console;
}

/** As `staffServing`, with the Cognito `sub` the journal names them by. */
async function signedInStaff(group: 'operator' | 'senior', skills?: string[]) {
  const signedIn = await createAndSignIn(httpUrl, `scope-${randomUUID().slice(0, 8)}`, [group]);
  const console = await connect({ token: signedIn.idToken });
  const state = await console.request({
    action: 'operator.status',
    status: 'away',
    ...(skills ? { skills } : {}),
  });
  expect(state.type).toBe('operator.state');
  return { console, sub: signedIn.sub };
}

describe('tickets staff see', () => {
  it('gives an operator the tickets of the queues they serve only, and a senior every ticket', async () => {
    // Prepare: an MFC ticket and a legal one from the portal's form; an operator for legal questions.
    const mfc = await portalTicket('mfc');
    const legal = await portalTicket('legal');
    const operator = await staffServing('operator', ['legal']);
    const senior = await staffServing('senior');

    // Act
    const byIdOutside = await operator.request({ action: 'ticket.get', ticketId: mfc.ticketId });
    const byNumberOutside = await operator.request({ action: 'ticket.get', number: mfc.number });
    const changeOutside = await operator.request({
      action: 'ticket.setStatus',
      ticketId: mfc.ticketId,
      status: 'in_progress',
    });
    const inside = await operator.request({ action: 'ticket.get', ticketId: legal.ticketId });
    const listed = await operator.request({ action: 'ticket.list', status: 'received', limit: 50 });
    const seniorSees = await senior.request({ action: 'ticket.get', ticketId: mfc.ticketId });

    // Assess: outside their queues it is as if it were another citizen's; nothing changed.
    expect(byIdOutside).toMatchObject({ type: 'error', code: 'FORBIDDEN' });
    expect(byNumberOutside).toMatchObject({ type: 'error', code: 'NOT_FOUND' });
    expect(changeOutside).toMatchObject({ type: 'error', code: 'FORBIDDEN' });
    expect(inside).toMatchObject({ type: 'ticket', ticket: { ticketId: legal.ticketId } });
    const ids = (listed.items as { ticketId: string; category: string }[]).map((ticket) => ticket.ticketId);
    expect(ids).toContain(legal.ticketId);
    expect(ids).not.toContain(mfc.ticketId);
    expect((listed.items as { category: string }[]).every((ticket) => ticket.category === 'legal')).toBe(
      true,
    );
    expect(seniorSees).toMatchObject({
      type: 'ticket',
      ticket: { ticketId: mfc.ticketId, status: 'received' },
    });
  });

  it('journals a page of ticket.list an operator read: who, when, the status and which tickets, no contact', async () => {
    // Prepare: a legal ticket from the portal's form and an operator for legal questions.
    const contact = `journal-${randomUUID()}@example.org`;
    const legal = await portalTicket('legal', contact);
    const { console: operator, sub } = await signedInStaff('operator', ['legal']);
    const journal = new DynamoAccessJournal({
      accessJournalTable: String(process.env.ACCESS_JOURNAL_TABLE),
      retentionDays: 1,
    });
    const before = new Date();

    // Act
    const listed = await operator.request({ action: 'ticket.list', status: 'received', limit: 50 });
    const after = new Date(Date.now() + 1);

    // Assess: one entry naming the tickets the page showed, in its order, by ids and numbers only.
    const items = listed.items as { ticketId: string; number: string }[];
    expect(items.map((ticket) => ticket.ticketId)).toContain(legal.ticketId);
    const entries = (await journal.between(before, after)).filter(
      (entry) => entry.actor.id === sub && entry.action === 'ticket.list',
    );
    expect(entries).toEqual([
      {
        entryId: expect.any(String),
        at: expect.any(String),
        actor: { kind: 'operator', id: sub },
        action: 'ticket.list',
        subject: {
          ticketIds: items.map((ticket) => ticket.ticketId),
          ticketNumbers: items.map((ticket) => ticket.number),
          scope: 'status received',
        },
      },
    ]);
    expect(JSON.stringify(entries)).not.toContain(contact);
  });
});
