/**
 * Resume tokens: how a citizen who reconnects gets the same session back (PROTOCOL.md, Connecting).
 *
 * A token is an opaque reference, `<sessionId>.<secret>`, where the secret is 32 random bytes
 * (base64url). Only `sha256(secret)` is stored, on the session, so a leaked table or backup holds
 * nothing that connects; verification is one read of the session and a constant-time comparison.
 * No signing key exists, so nothing needs rotating, and AWS and the local stack (which has no KMS or
 * Secrets Manager emulator) run the same code. Revoking a token is deleting its hash.
 *
 * Why several tokens per session ("slots"), and why every `hello` issues a fresh one: the server
 * cannot hand out an existing token again (it only knows the hash), yet two tabs or devices of one
 * session must not invalidate each other. So each `hello` issues a new token into its own slot with
 * the full lifetime (sliding expiry: a session in use never runs out), and:
 *  - the slot the connection was resumed with is retired to a short grace period rather than
 *    deleted, so a client that lost the `welcome` frame can still reconnect with its old token,
 *    while a used token does not stay valid for a day (a token read from a device's storage or
 *    history later is soon worthless). Slots therefore track devices, not reconnects;
 *  - at most `RESUME_TOKEN_SLOTS` slots are kept (expired ones are dropped first, then the one that
 *    expires soonest), which bounds the session item however many times a client says hello.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import { epochSeconds, isExpired } from './retention.ts';
import type { Session } from './sessions.ts';

/** Enough for a phone, a tablet and a few browsers of one citizen. */
export const RESUME_TOKEN_SLOTS = 5;

/** One issued token as stored: its hash (base64url SHA-256 of the secret) and its expiry. */
export interface ResumeTokenSlot {
  hash: string;
  /** Epoch seconds. */
  expiresAt: number;
}

/** The slots of one session, by slot id (a random id, never derived from the token). */
export type ResumeTokenSlots = Readonly<Record<string, ResumeTokenSlot>>;

/** A session as the resume-token rules need it: the session, its slots, and their write version. */
export interface ResumableSession {
  session: Session;
  slots: ResumeTokenSlots;
  /** Optimistic-concurrency version of `slots`; 0 when none were ever written. */
  version: number;
}

const SESSION_ID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
// 32 bytes in base64url are 43 characters; the last one carries 4 bits and 2 zero bits, so only
// these 16 letters are canonical. Anything else is not a token this service issued.
const SECRET = '[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]';
const TOKEN = new RegExp(`^(${SESSION_ID})\\.(${SECRET})$`);
const TOKEN_LENGTH = 36 + 1 + 43;

/** A token taken apart. Parsing does no I/O, so garbage is refused before the table is read. */
export const resumeTokenSchema = z
  .string()
  .length(TOKEN_LENGTH)
  .regex(TOKEN)
  .transform((token) => {
    const [, sessionId = '', secret = ''] = TOKEN.exec(token) ?? [];
    return { sessionId, secret };
  });
export type ResumeToken = z.infer<typeof resumeTokenSchema>;

export function formatResumeToken(token: ResumeToken): string {
  return `${token.sessionId}.${token.secret}`;
}

/** The hash that is stored. The secret string itself is hashed, so any changed character misses. */
export function hashResumeSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('base64url');
}

export type ResumeRefusal = 'unknown_session' | 'session_expired' | 'no_matching_token' | 'token_expired';

export type ResumeVerdict =
  | { resumed: true; session: Session; slotId: string }
  | { resumed: false; reason: ResumeRefusal };

/**
 * Whether `token` resumes `stored` (the session its id names, as read; undefined when absent).
 * Every slot is compared in constant time, and all of them are compared, so the time taken says
 * nothing about which slot (or whether any) came close.
 */
export function verifyResumeToken(
  token: ResumeToken,
  stored: ResumableSession | undefined,
  now: Date,
): ResumeVerdict {
  if (!stored || stored.session.sessionId !== token.sessionId) {
    return { resumed: false, reason: 'unknown_session' };
  }
  if (isExpired(stored.session, now)) return { resumed: false, reason: 'session_expired' };
  const presented = Buffer.from(hashResumeSecret(token.secret), 'base64url');
  let matched: [string, ResumeTokenSlot] | undefined;
  for (const [slotId, slot] of Object.entries(stored.slots)) {
    const candidate = Buffer.from(slot.hash, 'base64url');
    const equal = candidate.length === presented.length && timingSafeEqual(candidate, presented);
    if (equal) matched = [slotId, slot];
  }
  if (!matched) return { resumed: false, reason: 'no_matching_token' };
  const [slotId, slot] = matched;
  if (isExpired(slot, now)) return { resumed: false, reason: 'token_expired' };
  return { resumed: true, session: stored.session, slotId };
}

/** Where fresh secrets and slot ids come from (random in production, fixed in tests). */
export interface ResumeTokenSource {
  newSecret(): string;
  newSlotId(): string;
}

export const randomResumeTokenSource: ResumeTokenSource = {
  newSecret: () => randomBytes(32).toString('base64url'),
  newSlotId: () => randomBytes(9).toString('base64url'),
};

export interface ResumeTokenPolicy {
  /** Lifetime of a new token, from its issue. */
  ttlSeconds: number;
  /** How long the token a connection was resumed with stays valid after that connection's hello. */
  graceSeconds: number;
}

export interface ResumeTokenIssue {
  token: string;
  /** The session's slots after the issue, to be written in place of the ones read. */
  slots: ResumeTokenSlots;
}

/**
 * Issues a fresh token for `stored.session`: a new slot with the full lifetime; the slot the
 * connection was resumed with (`resumedWith`) retired to the grace period (never lengthened);
 * expired slots dropped; then the soonest-expiring ones dropped until the new one fits the cap.
 */
export function issueResumeToken(input: {
  stored: ResumableSession;
  resumedWith?: string;
  now: Date;
  policy: ResumeTokenPolicy;
  source: ResumeTokenSource;
}): ResumeTokenIssue {
  const { stored, now, policy, source } = input;
  const nowSeconds = epochSeconds(now);
  const graceUntil = nowSeconds + policy.graceSeconds;
  const kept = Object.entries(stored.slots)
    .filter(([, slot]) => !isExpired(slot, now))
    .map(([slotId, slot]): [string, ResumeTokenSlot] =>
      slotId === input.resumedWith && slot.expiresAt > graceUntil
        ? [slotId, { ...slot, expiresAt: graceUntil }]
        : [slotId, slot],
    )
    .sort(([, a], [, b]) => b.expiresAt - a.expiresAt)
    .slice(0, RESUME_TOKEN_SLOTS - 1);

  const secret = source.newSecret();
  const fresh: ResumeTokenSlot = {
    hash: hashResumeSecret(secret),
    expiresAt: nowSeconds + policy.ttlSeconds,
  };
  return {
    token: formatResumeToken({ sessionId: stored.session.sessionId, secret }),
    slots: Object.fromEntries([...kept, [source.newSlotId(), fresh]]),
  };
}
