/**
 * Resume tokens: how a citizen who reconnects gets the same session back (docs/protocol.md, Connecting).
 *
 * A token is a signed, expiring JWT (HS256; `functions/adapters/resume-token-signer.ts`):
 * `sub` = sessionId, `jti` = the id of the token's slot on the session, `iat`, `exp`, fixed `iss`
 * and `aud`, and `ver` (whether the session was verified when it was issued; informational — the
 * session read at connect decides). Verification is in two steps:
 *  1. signature, issuer, audience and expiry, with no I/O (the key is cached): a forged, tampered
 *     or expired token is refused before any table is read;
 *  2. the session named by `sub` is read once and the slot named by `jti` must still be there and
 *     unexpired. That is what makes a token revocable (delete its slot) and lets a used token be
 *     retired to a grace period, which a JWT alone cannot do.
 * A slot stores only its expiry: the signature already proves that this service issued `jti` for
 * `sub`, so there is nothing secret on the session item (a stolen table or backup connects no one).
 *
 * Why several tokens per session ("slots"), and why every `hello` issues a fresh one: two tabs or
 * devices of one session must not invalidate each other, and a token read from a device's storage
 * later should soon be worthless. So each `hello` issues a new token into its own slot with the full
 * lifetime (sliding expiry: a session in use never runs out), and:
 *  - the slot the connection was resumed with is retired to a short grace period rather than
 *    deleted, so a client that lost the `welcome` frame can still reconnect with its old token;
 *    slots therefore track devices, not reconnects;
 *  - at most `RESUME_TOKEN_SLOTS` slots are kept (expired ones are dropped first, then the one that
 *    expires soonest), which bounds the session item however many times a client says hello;
 *  - identification (`verify-code.ts`) replaces every slot with the one it issues: tokens handed to
 *    the guest before do not carry over into the verified session.
 */
import { randomBytes } from 'node:crypto';
import { epochSeconds, isExpired } from './retention.ts';
import type { Session } from './sessions.ts';

/** Enough for a phone, a tablet and a few browsers of one citizen. */
export const RESUME_TOKEN_SLOTS = 5;

/** One issued token as stored: only its expiry (epoch seconds). */
export interface ResumeTokenSlot {
  expiresAt: number;
}

/** The slots of one session, by slot id (a random id, the token's `jti`). */
export type ResumeTokenSlots = Readonly<Record<string, ResumeTokenSlot>>;

/** A session as the resume-token rules need it: the session, its slots, and their write version. */
export interface ResumableSession {
  session: Session;
  slots: ResumeTokenSlots;
  /** Optimistic-concurrency version of `slots`; 0 when none were ever written. */
  version: number;
}

/** What a token says, once its signature and expiry are verified. */
export interface ResumeTokenClaims {
  sessionId: string;
  slotId: string;
  /** Epoch seconds. */
  issuedAt: number;
  /** Epoch seconds. */
  expiresAt: number;
  verified: boolean;
}

/** Signs claims into a token and verifies a token back into claims (HS256 JWT in production). */
export interface ResumeTokenSigner {
  sign(claims: ResumeTokenClaims): Promise<string>;
  /** `expired`: a valid signature past `exp`; `invalid`: anything else that is not a token of ours. */
  verify(token: string): Promise<ResumeTokenClaims | 'expired' | 'invalid'>;
}

/**
 * A compact JWS of a sane size: three base64url segments. Checked before anything else, so that
 * garbage (or a query string stuffed with megabytes) costs nothing.
 */
const COMPACT_JWS = /^[A-Za-z0-9_-]{10,200}\.[A-Za-z0-9_-]{10,600}\.[A-Za-z0-9_-]{43}$/;

export function looksLikeResumeToken(token: string): boolean {
  return token.length <= 900 && COMPACT_JWS.test(token);
}

export type ResumeRefusal =
  | 'bad_signature'
  | 'token_expired'
  | 'unknown_session'
  | 'session_expired'
  | 'revoked_token';

export type ResumeVerdict =
  | { resumed: true; session: Session; slotId: string }
  | { resumed: false; reason: ResumeRefusal };

/**
 * Whether verified `claims` resume `stored` (the session named by `sub`, as read; undefined when
 * absent): the session must be live and the slot named by `jti` present and unexpired.
 */
export function verifyResumeToken(
  claims: ResumeTokenClaims,
  stored: ResumableSession | undefined,
  now: Date,
): ResumeVerdict {
  if (!stored || stored.session.sessionId !== claims.sessionId) {
    return { resumed: false, reason: 'unknown_session' };
  }
  if (isExpired(stored.session, now)) return { resumed: false, reason: 'session_expired' };
  const slot = Object.hasOwn(stored.slots, claims.slotId) ? stored.slots[claims.slotId] : undefined;
  if (!slot) return { resumed: false, reason: 'revoked_token' };
  if (isExpired(slot, now)) return { resumed: false, reason: 'token_expired' };
  return { resumed: true, session: stored.session, slotId: claims.slotId };
}

/** Where fresh slot ids come from (random in production, fixed in tests). */
export interface ResumeTokenSource {
  newSlotId(): string;
}

export const randomResumeTokenSource: ResumeTokenSource = {
  newSlotId: () => randomBytes(12).toString('base64url'),
};

export interface ResumeTokenPolicy {
  /** Lifetime of a new token, from its issue. */
  ttlSeconds: number;
  /** How long the token a connection was resumed with stays valid after that connection's hello. */
  graceSeconds: number;
}

export interface ResumeTokenIssue {
  /** What the new token says; signed once the slots are stored. */
  claims: ResumeTokenClaims;
  /** The session's slots after the issue, to be written in place of the ones read. */
  slots: ResumeTokenSlots;
}

/**
 * Issues a fresh token for `stored.session`: a new slot with the full lifetime; the slot the
 * connection was resumed with (`resumedWith`) retired to the grace period (never lengthened);
 * expired slots dropped; then the soonest-expiring ones dropped until the new one fits the cap.
 * `alone` (identification) drops every other slot.
 */
export function issueResumeToken(input: {
  stored: ResumableSession;
  resumedWith?: string;
  alone?: boolean;
  verified?: boolean;
  now: Date;
  policy: ResumeTokenPolicy;
  source: ResumeTokenSource;
}): ResumeTokenIssue {
  const { stored, now, policy, source } = input;
  const nowSeconds = epochSeconds(now);
  const graceUntil = nowSeconds + policy.graceSeconds;
  const kept = input.alone
    ? []
    : Object.entries(stored.slots)
        .filter(([, slot]) => !isExpired(slot, now))
        .map(([slotId, slot]): [string, ResumeTokenSlot] =>
          slotId === input.resumedWith && slot.expiresAt > graceUntil
            ? [slotId, { expiresAt: graceUntil }]
            : [slotId, { expiresAt: slot.expiresAt }],
        )
        .sort(([, a], [, b]) => b.expiresAt - a.expiresAt)
        .slice(0, RESUME_TOKEN_SLOTS - 1);

  const slotId = source.newSlotId();
  const expiresAt = nowSeconds + policy.ttlSeconds;
  return {
    claims: {
      sessionId: stored.session.sessionId,
      slotId,
      issuedAt: nowSeconds,
      expiresAt,
      verified: input.verified ?? stored.session.verified,
    },
    slots: Object.fromEntries([...kept, [slotId, { expiresAt }]]),
  };
}
