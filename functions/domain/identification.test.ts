import { describe, expect, it } from 'vitest';
import { ChatError } from './errors.ts';
import {
  decideCodeRequest,
  decideSend,
  decideVerification,
  type IdentificationPolicy,
  maskDestination,
  newCode,
  type PendingCode,
  parseDestination,
  recordExpiresAt,
  type VerificationRecord,
} from './identification.ts';
import { epochSeconds } from './retention.ts';

const now = new Date('2026-03-01T12:00:00Z');
const t = epochSeconds(now);
const later = (seconds: number) => new Date(now.getTime() + seconds * 1000);

const policy: IdentificationPolicy = {
  codeTtlSeconds: 300,
  destination: { intervalSeconds: 60, maxPerWindow: 5, windowSeconds: 3600 },
  session: { intervalSeconds: 10, maxPerWindow: 5, windowSeconds: 3600 },
  maxAttempts: 3,
  lockSeconds: 900,
};

const pending = (overrides: Partial<PendingCode> = {}): PendingCode => ({
  codeHash: Buffer.from('right-code-hash-of-32-bytes-long').toString('base64url'),
  sessionId: 'session-a',
  citizenId: 'citizen-1',
  expiresAt: t + 300,
  ...overrides,
});
const wrongHash = Buffer.from('wrong-code-hash-of-32-bytes-long').toString('base64url');

const record = (overrides: Partial<VerificationRecord> = {}): VerificationRecord => ({
  destinationKey: 'dk',
  channel: 'sms',
  sends: { windowStart: t, count: 1, lastSentAt: t },
  failures: 0,
  pending: pending(),
  ...overrides,
});

function badRequestFields(act: () => unknown): string[] {
  try {
    act();
  } catch (error) {
    if (error instanceof ChatError && error.code === 'BAD_REQUEST')
      return error.details?.map((d) => d.field) ?? [];
    throw error;
  }
  throw new Error('no BAD_REQUEST');
}

describe('destinations', () => {
  it('normalises a Russian mobile number to E.164 and an e-mail to a lower-case domain', () => {
    expect(parseDestination({ phone: '8 (916) 123-45-67' })).toEqual({
      channel: 'sms',
      address: '+79161234567',
      identity: '+79161234567',
    });
    expect(parseDestination({ email: ' Ivan.Petrov@Example.RU ' })).toEqual({
      channel: 'email',
      address: 'Ivan.Petrov@example.ru',
      identity: 'ivan.petrov@example.ru',
    });
  });

  it.each([
    [{ phone: '12345' }, 'phone'],
    [{ phone: '+74951234567' }, 'phone'],
    [{ email: 'not-an-email' }, 'email'],
    [{ email: 'a@b' }, 'email'],
  ])('refuses %j with BAD_REQUEST naming the field', (frame, field) => {
    expect(badRequestFields(() => parseDestination(frame))).toEqual([field]);
  });

  it('masks all but the calling code and the last two digits of a phone, and the mailbox of an e-mail', () => {
    expect(maskDestination({ channel: 'sms', address: '+79161234567' })).toBe('+7 ********67');
    expect(maskDestination({ channel: 'email', address: 'ivan.petrov@example.ru' })).toBe('i***@example.ru');
  });
});

describe('codes', () => {
  it('draws six digits, keeping leading zeros', () => {
    const codes = Array.from({ length: 200 }, () => newCode());
    for (const code of codes) expect(code).toMatch(/^[0-9]{6}$/);
    expect(new Set(codes).size).toBeGreaterThan(190);
  });
});

describe('send limits', () => {
  const limits = policy.destination;

  it('allows the first send and tells when the next one may be asked for', () => {
    expect(decideSend(undefined, t, limits)).toEqual({
      allowed: true,
      next: { windowStart: t, count: 1, lastSentAt: t },
      resendIn: 60,
    });
  });

  it('refuses a resend within the interval, saying how long to wait', () => {
    expect(decideSend({ windowStart: t, count: 1, lastSentAt: t }, t + 20, limits)).toEqual({
      allowed: false,
      retryAfter: 40,
    });
  });

  it('refuses a sixth send in the window until the window ends', () => {
    expect(decideSend({ windowStart: t, count: 5, lastSentAt: t + 600 }, t + 700, limits)).toEqual({
      allowed: false,
      retryAfter: 3600 - 700,
    });
  });

  it('says the fifth send is the last one of the window', () => {
    const fifth = decideSend({ windowStart: t, count: 4, lastSentAt: t + 600 }, t + 700, limits);
    expect(fifth).toMatchObject({ allowed: true, resendIn: 3600 - 700 });
  });

  it('starts a new window once the old one is over', () => {
    expect(decideSend({ windowStart: t, count: 5, lastSentAt: t + 600 }, t + 3600, limits)).toMatchObject({
      allowed: true,
      next: { windowStart: t + 3600, count: 1 },
    });
  });
});

describe('asking for a code', () => {
  const ask = (existing: VerificationRecord | undefined, at = now) =>
    decideCodeRequest({
      record: existing,
      destinationKey: 'dk',
      channel: 'sms',
      pending: pending({ sessionId: 'session-b' }),
      now: at,
      policy,
    });

  it('answers LOCKED for a locked destination, whatever the send limits say', () => {
    expect(
      ask(record({ lockedUntil: t + 500, sends: { windowStart: t - 100, count: 1, lastSentAt: t - 100 } })),
    ).toEqual({
      outcome: 'locked',
      retryAfter: 500,
    });
  });

  it('replaces the pending code with one bound to the asking session, keeping the failures counted', () => {
    const decision = ask(
      record({ failures: 2, sends: { windowStart: t, count: 1, lastSentAt: t } }),
      later(60),
    );
    expect(decision).toMatchObject({
      outcome: 'send',
      next: { failures: 2, pending: { sessionId: 'session-b' }, sends: { count: 2, lastSentAt: t + 60 } },
    });
  });

  it('forgets old failures when a new send window starts', () => {
    expect(ask(record({ failures: 2 }), later(3600))).toMatchObject({
      outcome: 'send',
      next: { failures: 0 },
    });
  });
});

describe('verifying a code', () => {
  const verify = (
    existing: VerificationRecord | undefined,
    presentedHash: string,
    sessionId = 'session-a',
    at = now,
  ) => decideVerification({ record: existing, sessionId, presentedHash, now: at, policy });
  const right = pending().codeHash;

  it('verifies the right code of the session, using it up and resetting the failures', () => {
    const decision = verify(record({ failures: 2 }), right);
    expect(decision).toEqual({
      outcome: 'verified',
      citizenId: 'citizen-1',
      next: { destinationKey: 'dk', channel: 'sms', sends: record().sends, failures: 0 },
    });
  });

  it('counts a wrong code and says how many attempts are left', () => {
    expect(verify(record({ failures: 1 }), wrongHash)).toMatchObject({
      outcome: 'invalid',
      attemptsLeft: 1,
      next: { failures: 2, pending: pending() },
    });
  });

  it('locks the destination on the third wrong code and drops its code', () => {
    const decision = verify(record({ failures: 2 }), wrongHash);
    expect(decision).toEqual({
      outcome: 'locked',
      retryAfter: 900,
      next: {
        destinationKey: 'dk',
        channel: 'sms',
        sends: record().sends,
        failures: 0,
        lockedUntil: t + 900,
      },
    });
  });

  it('answers LOCKED to the right code during the lock, changing nothing', () => {
    expect(verify(record({ lockedUntil: t + 300 }), right)).toEqual({ outcome: 'locked', retryAfter: 300 });
  });

  it.each([
    ['no record', undefined],
    ['no pending code', record({ pending: undefined })],
    ['a code of another session', record({ pending: pending({ sessionId: 'session-b' }) })],
    ['an expired code', record({ pending: pending({ expiresAt: t }) })],
  ])('finds no code with %s', (_, existing) => {
    expect(verify(existing, right)).toEqual({ outcome: 'no_code' });
  });

  it('keeps a record as long as its window, lock or code matters', () => {
    expect(recordExpiresAt(record({ lockedUntil: t + 9000 }), policy)).toBe(t + 9000);
    expect(recordExpiresAt(record(), policy)).toBe(t + 3600);
  });
});
