import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  hashResumeSecret,
  issueResumeToken,
  RESUME_TOKEN_SLOTS,
  type ResumableSession,
  type ResumeTokenSlots,
  randomResumeTokenSource,
  resumeTokenSchema,
  verifyResumeToken,
} from './resume-tokens.ts';
import { epochSeconds } from './retention.ts';
import { startSession } from './sessions.ts';

const now = new Date('2026-03-01T12:00:00Z');
const at = (offsetSeconds: number) => epochSeconds(now) + offsetSeconds;
const policy = { ttlSeconds: 86_400, graceSeconds: 300 };
const secretOf = (token: string) => token.slice(token.indexOf('.') + 1);

function storedSession(slots: ResumeTokenSlots = {}, expiresAt = at(3600)): ResumableSession {
  const session = startSession({ sessionId: randomUUID(), lang: 'en', now, expiresAt });
  return { session, slots, version: 1 };
}

/** A session holding one freshly issued token, and that token. */
function sessionWithToken() {
  const empty = storedSession();
  const issue = issueResumeToken({ stored: empty, now, policy, source: randomResumeTokenSource });
  const stored = { ...empty, slots: issue.slots };
  return { stored, token: resumeTokenSchema.parse(issue.token) };
}

describe('parsing a resume token', () => {
  it('takes a token this service issued apart into its session id and secret', () => {
    // Prepare
    const { stored, token } = sessionWithToken();

    // Act
    const parsed = resumeTokenSchema.safeParse(`${token.sessionId}.${token.secret}`);

    // Assess
    expect(parsed.data).toEqual({ sessionId: stored.session.sessionId, secret: token.secret });
  });

  it.each([
    ['a second dot', (t: string) => `${t}.x`],
    ['no dot', (t: string) => t.replace('.', '')],
    ['a secret one character short', (t: string) => t.slice(0, -1)],
    ['standard base64 characters', (t: string) => `${t.slice(0, -2)}+A`],
    ['a non-canonical last character', (t: string) => `${t.slice(0, -1)}B`],
    ['an upper-case session id', (t: string) => t.toUpperCase()],
    ['surrounding spaces', (t: string) => ` ${t} `],
    ['a Cyrillic letter', (t: string) => `${t.slice(0, -2)}жA`],
  ])('refuses a token with %s', (_, change) => {
    // Prepare
    const { token } = sessionWithToken();

    // Act
    const parsed = resumeTokenSchema.safeParse(change(`${token.sessionId}.${token.secret}`));

    // Assess
    expect(parsed.success).toBe(false);
  });
});

describe('verifying a resume token', () => {
  it('resumes the session whose stored hash matches, naming the slot', () => {
    // Prepare
    const { stored, token } = sessionWithToken();

    // Act
    const verdict = verifyResumeToken(token, stored, now);

    // Assess
    expect(verdict).toEqual({
      resumed: true,
      session: stored.session,
      slotId: Object.keys(stored.slots)[0],
    });
  });

  it('stores only the hash of the secret, never the secret', () => {
    // Prepare
    const { stored, token } = sessionWithToken();

    // Act
    const serialized = JSON.stringify(stored);

    // Assess
    expect(serialized).not.toContain(token.secret);
    expect(serialized).toContain(hashResumeSecret(token.secret));
  });

  it('refuses a secret with one character changed', () => {
    // Prepare
    const { stored, token } = sessionWithToken();
    const first = token.secret[0] === 'A' ? 'B' : 'A';

    // Act
    const verdict = verifyResumeToken({ ...token, secret: first + token.secret.slice(1) }, stored, now);

    // Assess
    expect(verdict).toEqual({ resumed: false, reason: 'no_matching_token' });
  });

  it("refuses one session's secret presented with another session's id", () => {
    // Prepare
    const mine = sessionWithToken();
    const other = sessionWithToken();

    // Act
    const verdict = verifyResumeToken(
      { sessionId: other.stored.session.sessionId, secret: mine.token.secret },
      other.stored,
      now,
    );

    // Assess
    expect(verdict).toEqual({ resumed: false, reason: 'no_matching_token' });
  });

  it('refuses a token whose session is unknown', () => {
    // Prepare
    const { token } = sessionWithToken();

    // Act
    const verdict = verifyResumeToken(token, undefined, now);

    // Assess
    expect(verdict).toEqual({ resumed: false, reason: 'unknown_session' });
  });

  it('refuses a token that has expired', () => {
    // Prepare
    const { stored, token } = sessionWithToken();
    const later = new Date(now.getTime() + (policy.ttlSeconds + 1) * 1000);

    // Act
    const verdict = verifyResumeToken(
      token,
      { ...stored, session: { ...stored.session, expiresAt: at(10 * 86_400) } },
      later,
    );

    // Assess
    expect(verdict).toEqual({ resumed: false, reason: 'token_expired' });
  });

  it('refuses a valid token of a session that has expired', () => {
    // Prepare
    const { stored, token } = sessionWithToken();

    // Act
    const verdict = verifyResumeToken(
      token,
      { ...stored, session: { ...stored.session, expiresAt: at(-1) } },
      now,
    );

    // Assess
    expect(verdict).toEqual({ resumed: false, reason: 'session_expired' });
  });

  it('refuses every token of a session whose tokens were revoked (slots emptied)', () => {
    // Prepare
    const { stored, token } = sessionWithToken();

    // Act
    const verdict = verifyResumeToken(token, { ...stored, slots: {} }, now);

    // Assess
    expect(verdict).toEqual({ resumed: false, reason: 'no_matching_token' });
  });
});

describe('issuing a resume token', () => {
  const fixedSource = (slotId: string) => ({ newSecret: () => 'A'.repeat(43), newSlotId: () => slotId });

  it('adds a slot with the full lifetime and keeps the other devices valid', () => {
    // Prepare
    const stored = storedSession({ phone: { hash: 'h1', expiresAt: at(600) } });

    // Act
    const issue = issueResumeToken({ stored, now, policy, source: fixedSource('laptop') });

    // Assess
    expect(issue.token).toBe(`${stored.session.sessionId}.${'A'.repeat(43)}`);
    expect(issue.slots).toEqual({
      phone: { hash: 'h1', expiresAt: at(600) },
      laptop: { hash: hashResumeSecret('A'.repeat(43)), expiresAt: at(policy.ttlSeconds) },
    });
  });

  it('retires the token the connection resumed with to the grace period, never lengthening it', () => {
    // Prepare
    const stored = storedSession({
      used: { hash: 'h1', expiresAt: at(80_000) },
      nearlyDone: { hash: 'h2', expiresAt: at(60) },
    });

    // Act
    const first = issueResumeToken({ stored, resumedWith: 'used', now, policy, source: fixedSource('new1') });
    const again = issueResumeToken({
      stored: { ...stored, slots: { ...first.slots, nearlyDone: { hash: 'h2', expiresAt: at(60) } } },
      resumedWith: 'nearlyDone',
      now,
      policy,
      source: fixedSource('new2'),
    });

    // Assess
    expect(first.slots.used).toEqual({ hash: 'h1', expiresAt: at(policy.graceSeconds) });
    expect(again.slots.nearlyDone).toEqual({ hash: 'h2', expiresAt: at(60) });
  });

  it('drops expired slots and keeps at most the cap, losing the soonest to expire', () => {
    // Prepare
    const slots = Object.fromEntries(
      Array.from({ length: RESUME_TOKEN_SLOTS }, (_, i) => [
        `s${i}`,
        { hash: `h${i}`, expiresAt: at(1000 + i) },
      ]),
    );
    const stored = storedSession({ ...slots, old: { hash: 'x', expiresAt: at(-1) } });

    // Act
    const issue = issueResumeToken({ stored, now, policy, source: fixedSource('new') });

    // Assess
    expect(Object.keys(issue.slots).sort()).toEqual(['new', 's1', 's2', 's3', 's4']);
  });

  it('issues a token that verifies, and a different one each time', () => {
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
    expect(second.token).not.toBe(first.token);
    for (const token of [first.token, second.token]) {
      const verdict = verifyResumeToken(
        resumeTokenSchema.parse(token),
        { ...stored, slots: second.slots },
        now,
      );
      expect(verdict.resumed).toBe(true);
    }
    expect(secretOf(first.token)).toHaveLength(43);
  });
});
