/**
 * The ticket frames and the portal form's body: what the routes accept, and the sample events
 * (`events/samples/`) of each ticket route, parseable by the contracts they exercise.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { callerSchema } from './authorizer-context.ts';
import {
  feedbackSubmitFrameSchema,
  idempotencyKeySchema,
  portalFeedbackRequestSchema,
  ticketGetFrameSchema,
  ticketListFrameSchema,
  ticketSetStatusFrameSchema,
} from './tickets.ts';

const sample = (name: string): Record<string, unknown> & { requestContext: Record<string, unknown> } =>
  JSON.parse(readFileSync(join(import.meta.dirname, 'samples', name), 'utf8'));

describe('ticket sample events', () => {
  it.each([
    ['ticket-get.json', ticketGetFrameSchema, 'citizen'],
    ['ticket-list.json', ticketListFrameSchema, 'citizen'],
    ['ticket-set-status.json', ticketSetStatusFrameSchema, 'operator'],
    ['feedback-submit.json', feedbackSubmitFrameSchema, 'citizen'],
  ] as const)('holds in %s a frame its route accepts, from a %s', (name, schema, role) => {
    // Prepare
    const event = sample(name);

    // Act
    const caller = callerSchema.parse(event.requestContext.authorizer);
    const frame = schema.safeParse(JSON.parse(String(event.body)));

    // Assess
    expect(caller.role).toBe(role);
    expect(frame.success).toBe(true);
  });

  it('holds in portal-feedback.json the HTTP API v2 event of POST /feedback with a body the form accepts', () => {
    // Prepare
    const event = sample('portal-feedback.json') as unknown as Record<string, unknown> & {
      headers: Record<string, string>;
    };

    // Act
    const body = portalFeedbackRequestSchema.safeParse(JSON.parse(String(event.body)));

    // Assess
    expect(event).toMatchObject({ version: '2.0', routeKey: 'POST /feedback', isBase64Encoded: false });
    expect(body.success).toBe(true);
    expect(idempotencyKeySchema.safeParse(event.headers['idempotency-key']).success).toBe(true);
  });
});

describe('ticket frames', () => {
  it('name a ticket by exactly one of ticketId and number', () => {
    const parse = (fields: Record<string, unknown>) =>
      ticketGetFrameSchema.safeParse({ action: 'ticket.get', ...fields }).success;
    expect([parse({ ticketId: 't-1' }), parse({ number: 'GU-20261124-7K3F9Q' })]).toEqual([true, true]);
    expect([parse({}), parse({ ticketId: 't-1', number: 'GU-20261124-7K3F9Q' })]).toEqual([false, false]);
  });

  it('read waitingFor and rejectReason as objects, and a plain string as their text', () => {
    // Act
    const asText = ticketSetStatusFrameSchema.parse({
      action: 'ticket.setStatus',
      ticketId: 't-1',
      status: 'waiting',
      waitingFor: '  скан паспорта ',
      rejectReason: 'не наша услуга',
    });
    const asObjects = ticketSetStatusFrameSchema.parse({
      action: 'ticket.setStatus',
      ticketId: 't-1',
      status: 'rejected',
      waitingFor: { what: 'справка', until: '2026-11-27T12:00:00+03:00' },
      rejectReason: { reason: 'не наша услуга', alternatives: ['МФЦ', 'ФНС'] },
    });

    // Assess
    expect(asText).toMatchObject({
      waitingFor: { what: 'скан паспорта' },
      rejectReason: { reason: 'не наша услуга' },
    });
    expect(asObjects).toMatchObject({
      waitingFor: { what: 'справка', until: '2026-11-27T12:00:00+03:00' },
      rejectReason: { alternatives: ['МФЦ', 'ФНС'] },
    });
  });

  it('refuse an unknown status, an empty wait, a deadline that is not a date, and six alternatives', () => {
    const base = { action: 'ticket.setStatus', ticketId: 't-1', status: 'waiting' };
    expect(ticketSetStatusFrameSchema.safeParse({ ...base, status: 'closed' }).success).toBe(false);
    expect(ticketSetStatusFrameSchema.safeParse({ ...base, waitingFor: '   ' }).success).toBe(false);
    expect(
      ticketSetStatusFrameSchema.safeParse({ ...base, waitingFor: { what: 'x', until: 'завтра' } }).success,
    ).toBe(false);
    expect(
      ticketSetStatusFrameSchema.safeParse({
        ...base,
        rejectReason: { reason: 'x', alternatives: ['1', '2', '3', '4', '5', '6'] },
      }).success,
    ).toBe(false);
  });

  it('take a whole rating from 1 to 5 for a conversation or a ticket, not both', () => {
    const parse = (fields: Record<string, unknown>) =>
      feedbackSubmitFrameSchema.safeParse({ action: 'feedback.submit', ...fields }).success;
    expect([1, 5].map((rating) => parse({ conversationId: 'c-1', rating }))).toEqual([true, true]);
    expect([0, 6, 4.5, '5'].map((rating) => parse({ conversationId: 'c-1', rating }))).toEqual([
      false,
      false,
      false,
      false,
    ]);
    expect(parse({ ticketId: 't-1', rating: 3 })).toBe(true);
    expect(parse({ ticketId: 't-1', conversationId: 'c-1', rating: 3 })).toBe(false);
    expect(parse({ rating: 3 })).toBe(false);
  });
});

describe("the portal form's body", () => {
  it('defaults the category to general and the language to Russian, and trims the text', () => {
    expect(portalFeedbackRequestSchema.parse({ contact: 'a@example.org', text: ' помогите ' })).toEqual({
      contact: 'a@example.org',
      text: 'помогите',
      category: 'general',
      lang: 'ru',
    });
  });

  it('refuses a text over 4000 characters, an unknown category, and an Idempotency-Key of 7 characters', () => {
    expect(
      portalFeedbackRequestSchema.safeParse({ contact: 'a@example.org', text: 'я'.repeat(4001) }).success,
    ).toBe(false);
    expect(
      portalFeedbackRequestSchema.safeParse({ contact: 'a@example.org', text: 'x', category: 'other' })
        .success,
    ).toBe(false);
    expect(idempotencyKeySchema.safeParse('1234567').success).toBe(false);
    expect(idempotencyKeySchema.safeParse('12345678').success).toBe(true);
  });
});
