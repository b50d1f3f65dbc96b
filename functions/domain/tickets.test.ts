import { describe, expect, it } from 'vitest';
import { ChatError } from './errors.ts';
import {
  applyTransition,
  CROCKFORD_ALPHABET,
  canonicalTicketNumber,
  escalationTicketId,
  isFinal,
  isVisibleTo,
  MAX_TICKET_TRANSITIONS,
  newTicketNumber,
  openNewTicket,
  portalTicketId,
  STATUS_LABELS,
  TICKET_NUMBER_PATTERN,
  TICKET_STATUSES,
  type Ticket,
  type TicketStatus,
  ticketView,
} from './tickets.ts';

const now = new Date('2026-11-24T10:00:00Z');
const later = new Date('2026-11-24T10:05:00Z');

function ticketIn(status: TicketStatus): Ticket {
  return {
    ...openNewTicket({
      ticketId: 't-1',
      number: 'GU-20261124-7K3F9Q',
      category: 'auth',
      source: 'chat',
      lang: 'ru',
      now,
      expiresAt: 1_000,
      conversationId: 'c-1',
      sessionId: 's-1',
    }),
    status,
  };
}

const complete = {
  actor: { kind: 'operator' as const, id: 'op-1' },
  waitingFor: { what: 'скан паспорта', until: '2026-11-25T10:00:00Z' },
  rejectReason: { reason: 'не наша услуга', alternatives: ['МФЦ'] },
  now: later,
  expiresAt: 2_000,
};

/** docs/requirements.md#tickets, written out independently of the implementation's table. */
const ALLOWED = new Set([
  'received>in_progress',
  'received>rejected',
  'in_progress>waiting',
  'waiting>in_progress',
  'in_progress>completed',
  'in_progress>rejected',
  'waiting>rejected',
]);

const everyPair = TICKET_STATUSES.flatMap((from) => TICKET_STATUSES.map((to) => [from, to] as const));

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
    return undefined;
  } catch (error) {
    if (error instanceof ChatError) return error.code;
    throw error;
  }
}

describe('the ticket state machine (docs/requirements.md#tickets)', () => {
  it.each(everyPair.filter(([from, to]) => ALLOWED.has(`${from}>${to}`)))('allows %s → %s', (from, to) => {
    // Act
    const next = applyTransition(ticketIn(from), { ...complete, to });

    // Assess
    expect(next.status).toBe(to);
  });

  it.each(everyPair.filter(([from, to]) => !ALLOWED.has(`${from}>${to}`)))(
    'refuses %s → %s with CONFLICT',
    (from, to) => {
      expect(codeOf(() => applyTransition(ticketIn(from), { ...complete, to }))).toBe('CONFLICT');
    },
  );

  it('treats completed and rejected as final, and nothing else', () => {
    expect(TICKET_STATUSES.filter(isFinal)).toEqual(['completed', 'rejected']);
  });

  it('needs waitingFor to wait and rejectReason to reject (BAD_REQUEST naming the field)', () => {
    // Act
    const waiting = () =>
      applyTransition(ticketIn('in_progress'), { ...complete, waitingFor: undefined, to: 'waiting' });
    const rejected = () =>
      applyTransition(ticketIn('in_progress'), { ...complete, rejectReason: undefined, to: 'rejected' });

    // Assess
    expect(waiting).toThrow(
      expect.objectContaining({
        code: 'BAD_REQUEST',
        details: [expect.objectContaining({ field: 'waitingFor' })],
      }),
    );
    expect(rejected).toThrow(
      expect.objectContaining({
        code: 'BAD_REQUEST',
        details: [expect.objectContaining({ field: 'rejectReason' })],
      }),
    );
  });

  it('checks the move before the fields: a forbidden move is CONFLICT even without waitingFor', () => {
    expect(
      codeOf(() =>
        applyTransition(ticketIn('completed'), { ...complete, waitingFor: undefined, to: 'waiting' }),
      ),
    ).toBe('CONFLICT');
  });

  it('appends every transition to the history with time, actor, actor id and note, and counts the version', () => {
    // Act
    const next = applyTransition(ticketIn('received'), { ...complete, to: 'in_progress', note: 'взял' });

    // Assess
    expect(next.history).toEqual([
      { status: 'received', at: now.toISOString(), actor: 'system' },
      { status: 'in_progress', at: later.toISOString(), actor: 'operator', actorId: 'op-1', note: 'взял' },
    ]);
    expect(next).toMatchObject({ version: 1, updatedAt: later.toISOString(), expiresAt: 2_000 });
  });

  it('keeps waitingFor only while waiting and rejectReason only once rejected', () => {
    // Act
    const waiting = applyTransition(ticketIn('in_progress'), { ...complete, to: 'waiting' });
    const back = applyTransition(waiting, { ...complete, to: 'in_progress' });
    const rejected = applyTransition(waiting, { ...complete, to: 'rejected' });

    // Assess
    expect(waiting.waitingFor).toEqual(complete.waitingFor);
    expect(waiting.rejectReason).toBeUndefined();
    expect(back.waitingFor).toBeUndefined();
    expect(rejected).toMatchObject({ rejectReason: complete.rejectReason });
    expect(rejected.waitingFor).toBeUndefined();
  });
});

describe('a ticket that keeps moving', () => {
  it('accepts only a final move once its history holds MAX_TICKET_TRANSITIONS entries', () => {
    // Prepare: back and forth between in_progress and waiting until the cap.
    let ticket = ticketIn('in_progress');
    while (ticket.history.length < MAX_TICKET_TRANSITIONS) {
      ticket = applyTransition(ticket, {
        ...complete,
        to: ticket.status === 'waiting' ? 'in_progress' : 'waiting',
      });
    }
    const next = ticket.status === 'waiting' ? 'in_progress' : 'waiting';

    // Act
    const moveOn = codeOf(() => applyTransition(ticket, { ...complete, to: next }));
    const closed = applyTransition(ticket, { ...complete, to: 'rejected' });

    // Assess
    expect(moveOn).toBe('CONFLICT');
    expect(closed.status).toBe('rejected');
    expect(closed.history).toHaveLength(MAX_TICKET_TRANSITIONS + 1);
  });
});

describe('status labels', () => {
  it('are docs/requirements.md#tickets’s in Russian, and English for English sessions', () => {
    expect(TICKET_STATUSES.map((s) => STATUS_LABELS[s].ru)).toEqual([
      'Получено',
      'В работе',
      'Ожидание',
      'Завершено',
      'Отказ',
    ]);
    expect(TICKET_STATUSES.map((s) => STATUS_LABELS[s].en)).toEqual([
      'Received',
      'In progress',
      'Waiting',
      'Completed',
      'Rejected',
    ]);
  });

  it('label the view in the language asked for and leave operator ids out of the history', () => {
    // Prepare
    const ticket = applyTransition(ticketIn('received'), { ...complete, to: 'in_progress' });

    // Act
    const view = ticketView(ticket, 'en');

    // Assess
    expect(view).toMatchObject({ status: 'in_progress', statusLabel: 'In progress', conversationId: 'c-1' });
    expect(view.history[1]).toEqual({ status: 'in_progress', at: later.toISOString(), actor: 'operator' });
  });

  it('give staff the request itself (source, intake, intent, contact) and citizens none of it', () => {
    // Prepare
    const ticket: Ticket = {
      ...ticketIn('received'),
      source: 'portal',
      intake: { problem: 'не могу записаться' },
      intent: 'mfc.booking',
      contact: { channel: 'email', address: 'ivan@example.org' },
    };

    // Act
    const staff = ticketView(ticket, 'ru', 'staff');
    const citizen = ticketView(ticket, 'ru');

    // Assess
    expect(staff).toMatchObject({
      source: 'portal',
      intake: { problem: 'не могу записаться' },
      intent: 'mfc.booking',
      contact: { channel: 'email', address: 'ivan@example.org' },
    });
    expect(Object.keys(citizen)).not.toEqual(expect.arrayContaining(['source']));
    expect(JSON.stringify(citizen)).not.toMatch(/ivan@|не могу записаться|mfc\.booking/);
  });

  it('keep a staff note of the history (an SLA breach) for staff: the citizen reads the move without it', () => {
    // Prepare
    const ticket = applyTransition(ticketIn('received'), {
      ...complete,
      to: 'in_progress',
      staffNote: 'SLA breach: taken by an operator after 125 s',
    });

    // Act
    const staff = ticketView(ticket, 'ru', 'staff');
    const citizen = ticketView(ticket, 'ru');

    // Assess
    expect(staff.history[1]).toMatchObject({
      status: 'in_progress',
      staffNote: expect.stringContaining('SLA'),
    });
    expect(citizen.history[1]).toEqual({ status: 'in_progress', at: later.toISOString(), actor: 'operator' });
  });
});

describe('ticket numbers', () => {
  it('read GU-YYYYMMDD-XXXXXX: the UTC date and 6 characters of Crockford base32', () => {
    // Act
    const number = newTicketNumber(new Date('2026-11-24T23:59:59Z'));

    // Assess
    expect(number).toMatch(/^GU-20261124-[0-9A-HJKMNP-TV-Z]{6}$/);
    expect(number).toMatch(TICKET_NUMBER_PATTERN);
  });

  it('map every random byte onto the alphabet without I, L, O or U', () => {
    // Act
    const numbers = [0, 31, 32, 255].map((byte) =>
      newTicketNumber(now, (size) => new Uint8Array(size).fill(byte)),
    );

    // Assess
    expect(numbers).toEqual([
      'GU-20261124-000000',
      'GU-20261124-ZZZZZZ',
      'GU-20261124-000000',
      'GU-20261124-ZZZZZZ',
    ]);
    expect(CROCKFORD_ALPHABET).not.toMatch(/[ILOU]/);
    expect(new Set(CROCKFORD_ALPHABET).size).toBe(32);
  });

  it('come from the random source: 1,000 draws are 1,000 different numbers', () => {
    const numbers = new Set(Array.from({ length: 1000 }, () => newTicketNumber(now)));
    expect(numbers.size).toBe(1000);
  });

  it('are understood as people type them: lower case, O for zero, I and L for one', () => {
    expect(canonicalTicketNumber(' gu-20261124-7k3f9q ')).toBe('GU-20261124-7K3F9Q');
    expect(canonicalTicketNumber('GU-20261124-O1IL00')).toBe('GU-20261124-011100');
    // The date too: what a person reads off a printed number and types back.
    expect(canonicalTicketNumber('gu-2O26I2O4-vfg87f')).toBe('GU-20261204-VFG87F');
    expect(canonicalTicketNumber('GU-2O26l124-7K3F9Q')).toBe('GU-20261124-7K3F9Q');
    expect(canonicalTicketNumber('GU-2X261124-7K3F9Q')).toBeUndefined();
    expect(canonicalTicketNumber('GU-20261124-UUUUUU')).toBeUndefined();
    expect(canonicalTicketNumber('GU-2026112-7K3F9Q')).toBeUndefined();
  });
});

describe('ticket ids', () => {
  it('are the same for the same escalation and differ for another attempt or conversation', () => {
    expect(escalationTicketId('c-1', 1)).toBe(escalationTicketId('c-1', 1));
    expect(escalationTicketId('c-1', 2)).not.toBe(escalationTicketId('c-1', 1));
    expect(escalationTicketId('c-2', 1)).not.toBe(escalationTicketId('c-1', 1));
    expect(portalTicketId('key-1')).not.toBe(escalationTicketId('key-1', 1));
    expect(escalationTicketId('c-1', 1)).toMatch(/^t-[0-9a-z]{26}$/);
  });
});

describe('who sees a ticket', () => {
  const ticket = { citizenId: 'cit-1', sessionId: 's-1' };

  it('shows it to its citizen, to its session, and to staff', () => {
    expect(isVisibleTo(ticket, { role: 'citizen', sessionId: 's-9', citizenId: 'cit-1' })).toBe(true);
    expect(isVisibleTo(ticket, { role: 'guest', sessionId: 's-1' })).toBe(true);
    expect(isVisibleTo(ticket, { role: 'operator', sessionId: 'op' })).toBe(true);
    expect(isVisibleTo(ticket, { role: 'senior', sessionId: 'sn' })).toBe(true);
  });

  it('shows a ticket opened before identification to the citizen through their other sessions', () => {
    const guestTicket = { sessionId: 's-1' };
    const reader = { role: 'citizen' as const, sessionId: 's-2', citizenId: 'cit-1' };
    expect(isVisibleTo(guestTicket, reader, new Set(['s-1', 's-2']))).toBe(true);
    expect(isVisibleTo(guestTicket, reader, new Set(['s-2']))).toBe(false);
  });

  it('hides it from another citizen and another guest', () => {
    expect(isVisibleTo(ticket, { role: 'citizen', sessionId: 's-9', citizenId: 'cit-2' })).toBe(false);
    expect(isVisibleTo(ticket, { role: 'guest', sessionId: 's-9' })).toBe(false);
    expect(isVisibleTo({ citizenId: 'cit-1' }, { role: 'guest', sessionId: 's-9' })).toBe(false);
  });
});
