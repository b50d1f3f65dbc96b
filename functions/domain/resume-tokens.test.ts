import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  issueResumeToken,
  looksLikeResumeToken,
  RESUME_TOKEN_SLOTS,
  type ResumableSession,
  type ResumeTokenSlots,
  randomResumeTokenSource,
  verifyResumeToken,
} from './resume-tokens.ts';
import { epochSeconds } from './retention.ts';
import { startSession } from './sessions.ts';

const now = new Date('2026-03-01T12:00:00Z');
const at = (offsetSeconds: number) => epochSeconds(now) + offsetSeconds;
const policy = { ttlSeconds: 86_400, graceSeconds: 300 };
const fixedSource = (slotId: string) => ({ newSlotId: () => slotId });

function storedSession(slots: ResumeTokenSlots = {}, expiresAt = at(3600)): ResumableSession {
  const session = startSession({ sessionId: randomUUID(), lang: 'en', now, expiresAt });
  return { session, slots, version: 1 };
}

/** A session holding one freshly issued token, and that token's claims. */
function sessionWithToken() {
  const empty = storedSession();
  const issue = issueResumeToken({ stored: empty, now, policy, source: randomResumeTokenSource });
  return { stored: { ...empty, slots: issue.slots }, claims: issue.claims };
}

describe('the shape of a resume token', () => {
  const jwt = `${'a'.repeat(36)}.${'b'.repeat(120)}.${'c'.repeat(43)}`;

  it('accepts a compact HS256 JWS of a sane size', () => {
    expect(looksLikeResumeToken(jwt)).toBe(true);
  });

  it.each([
    ['the old opaque format', `${randomUUID()}.${'A'.repeat(43)}`],
    ['two segments', jwt.slice(0, jwt.lastIndexOf('.'))],
    ['an RS256-sized signature (a Cognito token)', `${jwt.slice(0, -43)}${'c'.repeat(342)}`],
    ['standard base64 characters', `${jwt.slice(0, -1)}+`],
    ['surrounding spaces', ` ${jwt} `],
    ['megabytes of payload', `${'a'.repeat(36)}.${'b'.repeat(5000)}.${'c'.repeat(43)}`],
  ])('refuses %s before anything is verified', (_, token) => {
    expect(looksLikeResumeToken(token)).toBe(false);
  });
});

describe('verifying the claims of a resume token against its session', () => {
  it('resumes the session whose slot the token names', () => {
    // Prepare
    const { stored, claims } = sessionWithToken();

    // Act
    const verdict = verifyResumeToken(claims, stored, now);

    // Assess
    expect(verdict).toEqual({ resumed: true, session: stored.session, slotId: claims.slotId });
  });

  it('stores nothing secret on the session: slot ids and expiries only', () => {
    // Prepare
    const { stored, claims } = sessionWithToken();

    // Assess
    expect(stored.slots).toEqual({ [claims.slotId]: { expiresAt: claims.expiresAt } });
  });

  it('refuses a token whose session is unknown', () => {
    // Prepare
    const { claims } = sessionWithToken();

    // Act
    const verdict = verifyResumeToken(claims, undefined, now);

    // Assess
    expect(verdict).toEqual({ resumed: false, reason: 'unknown_session' });
  });

  it("refuses one session's slot presented for another session", () => {
    // Prepare
    const mine = sessionWithToken();
    const other = sessionWithToken();

    // Act
    const verdict = verifyResumeToken(
      { ...mine.claims, sessionId: other.stored.session.sessionId },
      other.stored,
      now,
    );

    // Assess
    expect(verdict).toEqual({ resumed: false, reason: 'revoked_token' });
  });

  it('refuses a token whose slot has expired (retired to its grace period, then past it)', () => {
    // Prepare
    const { stored, claims } = sessionWithToken();
    const later = new Date(now.getTime() + (policy.ttlSeconds + 1) * 1000);

    // Act
    const verdict = verifyResumeToken(
      claims,
      { ...stored, session: { ...stored.session, expiresAt: at(10 * 86_400) } },
      later,
    );

    // Assess
    expect(verdict).toEqual({ resumed: false, reason: 'token_expired' });
  });

  it('refuses a valid token of a session that has expired', () => {
    // Prepare
    const { stored, claims } = sessionWithToken();

    // Act
    const verdict = verifyResumeToken(
      claims,
      { ...stored, session: { ...stored.session, expiresAt: at(-1) } },
      now,
    );

    // Assess
    expect(verdict).toEqual({ resumed: false, reason: 'session_expired' });
  });

  it('refuses every token of a session whose tokens were revoked (slots emptied)', () => {
    // Prepare
    const { stored, claims } = sessionWithToken();

    // Act
    const verdict = verifyResumeToken(claims, { ...stored, slots: {} }, now);

    // Assess
    expect(verdict).toEqual({ resumed: false, reason: 'revoked_token' });
  });

  it('does not mistake an inherited property name for a slot', () => {
    // Prepare
    const { stored, claims } = sessionWithToken();

    // Act
    const verdict = verifyResumeToken({ ...claims, slotId: 'constructor' }, stored, now);

    // Assess
    expect(verdict).toEqual({ resumed: false, reason: 'revoked_token' });
  });
});

describe('issuing a resume token', () => {
  it('adds a slot with the full lifetime and keeps the other devices valid', () => {
    // Prepare
    const stored = storedSession({ phone: { expiresAt: at(600) } });

    // Act
    const issue = issueResumeToken({ stored, now, policy, source: fixedSource('laptop') });

    // Assess
    expect(issue.claims).toEqual({
      sessionId: stored.session.sessionId,
      slotId: 'laptop',
      issuedAt: at(0),
      expiresAt: at(policy.ttlSeconds),
      verified: false,
    });
    expect(issue.slots).toEqual({
      phone: { expiresAt: at(600) },
      laptop: { expiresAt: at(policy.ttlSeconds) },
    });
  });

  it('retires the token the connection resumed with to the grace period, never lengthening it', () => {
    // Prepare
    const stored = storedSession({ used: { expiresAt: at(80_000) }, nearlyDone: { expiresAt: at(60) } });

    // Act
    const first = issueResumeToken({ stored, resumedWith: 'used', now, policy, source: fixedSource('new1') });
    const again = issueResumeToken({
      stored: { ...stored, slots: { ...first.slots, nearlyDone: { expiresAt: at(60) } } },
      resumedWith: 'nearlyDone',
      now,
      policy,
      source: fixedSource('new2'),
    });

    // Assess
    expect(first.slots.used).toEqual({ expiresAt: at(policy.graceSeconds) });
    expect(again.slots.nearlyDone).toEqual({ expiresAt: at(60) });
  });

  it('drops expired slots and keeps at most the cap, losing the soonest to expire', () => {
    // Prepare
    const slots = Object.fromEntries(
      Array.from({ length: RESUME_TOKEN_SLOTS }, (_, i) => [`s${i}`, { expiresAt: at(1000 + i) }]),
    );
    const stored = storedSession({ ...slots, old: { expiresAt: at(-1) } });

    // Act
    const issue = issueResumeToken({ stored, now, policy, source: fixedSource('new') });

    // Assess
    expect(Object.keys(issue.slots).sort()).toEqual(['new', 's1', 's2', 's3', 's4']);
  });

  it('replaces every slot when the session is being verified, and says so in the claims', () => {
    // Prepare
    const stored = storedSession({ guestTab: { expiresAt: at(80_000) }, guestPhone: { expiresAt: at(600) } });

    // Act
    const issue = issueResumeToken({
      stored,
      alone: true,
      verified: true,
      now,
      policy,
      source: fixedSource('citizen'),
    });

    // Assess
    expect(issue.slots).toEqual({ citizen: { expiresAt: at(policy.ttlSeconds) } });
    expect(issue.claims.verified).toBe(true);
  });

  it('issues a token that verifies, in a new slot each time', () => {
    // Prepare
    const stored = storedSession();

    // Act
    const first = issueResumeToken({ stored, now, policy, source: randomResumeTokenSource });
    const second = issueResumeToken({
      stored: { ...stored, slots: first.slots },
      now,
      policy,
      source: randomResumeTokenSource,
    });

    // Assess
    expect(second.claims.slotId).not.toBe(first.claims.slotId);
    for (const claims of [first.claims, second.claims]) {
      expect(verifyResumeToken(claims, { ...stored, slots: second.slots }, now).resumed).toBe(true);
    }
  });
});
