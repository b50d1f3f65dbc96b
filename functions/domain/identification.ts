/**
 * Identification by one-time code (docs/requirements.md#identification): what a destination is, how a code is made, and the
 * rules of the per-destination record that counts sends and wrong codes.
 *
 * A destination (a mobile phone in E.164, or an e-mail address) is never stored: its record in
 * VerificationCodesTable is keyed by `destinationKey` = HMAC(key, its identity), the code by
 * HMAC(key, destinationKey + code), the citizen by HMAC(key, 'citizen:' + identity), where the
 * identity is the E.164 phone or the canonical e-mail (`email-addresses.ts`: one mailbox, one
 * identity, whatever its spelling). The
 * record is one item per destination; every change is a conditional write on its `version`, so the
 * limits hold exactly however many requests race (the loser reads again and decides again):
 *  - sends: at most one per `resendIntervalSeconds` and `maxPerWindow` per `windowSeconds`, counted
 *    from the window's first send (a fixed window, so the count never needs a history);
 *  - wrong codes: counted per destination (not per code, so asking for a new code does not earn new
 *    tries), reset by a success, by a lock and when a new send window starts; the `maxAttempts`-th
 *    wrong code locks the destination for `lockSeconds` across sessions and drops its code, so even
 *    the right code is refused during the lock and worthless after it;
 *  - the pending code is bound to the session that asked for it: another session's request replaces
 *    it, and only the session that holds it may verify it.
 */
import { randomInt, timingSafeEqual } from 'node:crypto';
import { CODE_LENGTH, type CodeChannel } from '#events/identification.ts';
import type { Lang } from '#events/lang.ts';
import * as z from '#events/zod.ts';
import { canonicalEmail } from './email-addresses.ts';
import { badRequest } from './errors.ts';
import { callingCodeOf, normaliseMobileNumber } from './phone-numbers.ts';
import { epochSeconds } from './retention.ts';

/** A normalised destination: where a code goes. Holds personal data: never log or store it. */
export interface Destination {
  channel: CodeChannel;
  /** Where to send: E.164 phone (`+79161234567`) or e-mail as typed, with a lower-cased domain. */
  address: string;
  /**
   * Who it is: the E.164 phone, or the canonical e-mail (`canonicalEmail`). Limits count by it and
   * the citizen id is derived from it, so spellings of one mailbox are one destination.
   */
  identity: string;
}

const emailSchema = z.email();

/**
 * The destination of an `auth.requestCode`: a valid mobile number normalised to E.164, or an e-mail
 * trimmed with its domain lower-cased. Anything else is BAD_REQUEST naming the field (never the value).
 */
export function parseDestination(frame: { phone?: string; email?: string }): Destination {
  if (frame.phone !== undefined) {
    const phone = normaliseMobileNumber(frame.phone);
    if (phone === undefined)
      throw badRequest([{ field: 'phone', problem: 'not a valid mobile phone number' }]);
    return { channel: 'sms', address: phone, identity: phone };
  }
  const email = (frame.email ?? '').trim();
  if (!emailSchema.safeParse(email).success) {
    throw badRequest([{ field: 'email', problem: 'not a valid e-mail address' }]);
  }
  const at = email.lastIndexOf('@');
  return {
    channel: 'email',
    address: `${email.slice(0, at)}@${email.slice(at + 1).toLowerCase()}`,
    identity: canonicalEmail(email),
  };
}

/** What `auth.codeSent` shows: enough to recognise one's own phone or mailbox, not to learn it. */
export function maskDestination(destination: Pick<Destination, 'channel' | 'address'>): string {
  const { address } = destination;
  if (destination.channel === 'sms') {
    const country = callingCodeOf(address);
    return `${country} ${'*'.repeat(Math.max(0, address.length - country.length - 2))}${address.slice(-2)}`;
  }
  const at = address.lastIndexOf('@');
  return `${address.slice(0, 1)}***${address.slice(at)}`;
}

/** A fresh code: `CODE_LENGTH` digits from the CSPRNG, leading zeros kept. */
export function newCode(): string {
  return randomInt(0, 10 ** CODE_LENGTH)
    .toString()
    .padStart(CODE_LENGTH, '0');
}

/** The text that carries a code, in the session language. */
export function codeMessage(code: string, lang: Lang, ttlSeconds: number): { subject: string; text: string } {
  const minutes = Math.max(1, Math.round(ttlSeconds / 60));
  return lang === 'en'
    ? {
        subject: 'Your sign-in code for the support chat',
        text: `Your code for the support chat: ${code}. It is valid for ${minutes} min. Do not tell it to anyone, not even to support staff.`,
      }
    : {
        subject: 'Код для входа в чат поддержки',
        text: `Код для чата поддержки: ${code}. Действует ${minutes} мин. Никому не сообщайте его, даже сотрудникам поддержки.`,
      };
}

/** Keyed hashes of identification; the key never leaves the implementation (an adapter). */
export interface IdentityHasher {
  /** HMAC of the destination's identity: the key of its record. */
  destinationKey(destination: Destination): Promise<string>;
  /** HMAC of a code for one destination: what is stored instead of the code. */
  codeHash(destinationKey: string, code: string): Promise<string>;
  /** The stable pseudonymous citizen id of a destination (of its identity). */
  citizenId(destination: Destination): Promise<string>;
}

/** Two hashes of the same kind compared in constant time. */
function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'base64url');
  const right = Buffer.from(b, 'base64url');
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Limits on sending codes, for one key (a destination, or a session). */
export interface SendPolicy {
  intervalSeconds: number;
  maxPerWindow: number;
  windowSeconds: number;
}

/** Sends counted in the current window (epoch seconds). */
export interface SendWindow {
  windowStart: number;
  count: number;
  lastSentAt: number;
}

export type SendDecision =
  | { allowed: true; next: SendWindow; resendIn: number }
  | { allowed: false; retryAfter: number };

/** Whether one more code may be sent under `policy`, and the window after it. */
export function decideSend(window: SendWindow | undefined, now: number, policy: SendPolicy): SendDecision {
  const fresh = window === undefined || window.windowStart + policy.windowSeconds <= now;
  const current: SendWindow = fresh ? { windowStart: now, count: 0, lastSentAt: 0 } : window;
  const intervalEnds = current.lastSentAt + policy.intervalSeconds;
  if (intervalEnds > now) return { allowed: false, retryAfter: intervalEnds - now };
  const windowEnds = current.windowStart + policy.windowSeconds;
  if (current.count >= policy.maxPerWindow) return { allowed: false, retryAfter: windowEnds - now };
  const next: SendWindow = { ...current, count: current.count + 1, lastSentAt: now };
  const resendIn = Math.max(policy.intervalSeconds, next.count >= policy.maxPerWindow ? windowEnds - now : 0);
  return { allowed: true, next, resendIn };
}

/** The code waiting to be verified, bound to the session that asked for it. */
export interface PendingCode {
  codeHash: string;
  sessionId: string;
  citizenId: string;
  /** Epoch seconds. */
  expiresAt: number;
}

/** The record of one destination (VerificationCodesTable). No destination, no code: only hashes. */
export interface VerificationRecord {
  destinationKey: string;
  channel: CodeChannel;
  sends: SendWindow;
  /** Wrong codes since the last success, lock or new send window. */
  failures: number;
  /** Epoch seconds; absent when not locked. */
  lockedUntil?: number;
  pending?: PendingCode;
}

export interface IdentificationPolicy {
  codeTtlSeconds: number;
  destination: SendPolicy;
  session: SendPolicy;
  maxAttempts: number;
  lockSeconds: number;
}

/** Until when the record matters: after that it is as good as absent (its TTL, `expiresAt`). */
export function recordExpiresAt(record: VerificationRecord, policy: IdentificationPolicy): number {
  return Math.max(
    record.sends.windowStart + policy.destination.windowSeconds,
    record.sends.lastSentAt + policy.destination.intervalSeconds,
    record.lockedUntil ?? 0,
    record.pending?.expiresAt ?? 0,
  );
}

function lockedFor(record: VerificationRecord | undefined, now: number): number | undefined {
  const until = record?.lockedUntil;
  return until !== undefined && until > now ? until - now : undefined;
}

export type CodeRequestDecision =
  | { outcome: 'send'; next: VerificationRecord; resendIn: number }
  | { outcome: 'locked'; retryAfter: number }
  | { outcome: 'rate_limited'; retryAfter: number };

/**
 * A session asks for a code for the destination whose record is `record` (undefined: none yet).
 * A locked destination answers LOCKED first, then the send limits apply. A new send replaces the
 * pending code (and its session) and keeps the failures counted, unless a new window starts.
 */
export function decideCodeRequest(input: {
  record: VerificationRecord | undefined;
  destinationKey: string;
  channel: CodeChannel;
  pending: PendingCode;
  now: Date;
  policy: IdentificationPolicy;
}): CodeRequestDecision {
  const { record, policy } = input;
  const now = epochSeconds(input.now);
  const locked = lockedFor(record, now);
  if (locked !== undefined) return { outcome: 'locked', retryAfter: locked };
  const send = decideSend(record?.sends, now, policy.destination);
  if (!send.allowed) return { outcome: 'rate_limited', retryAfter: send.retryAfter };
  const newWindow = record === undefined || send.next.windowStart !== record.sends.windowStart;
  return {
    outcome: 'send',
    resendIn: send.resendIn,
    next: {
      destinationKey: input.destinationKey,
      channel: input.channel,
      sends: send.next,
      failures: newWindow ? 0 : record.failures,
      pending: input.pending,
    },
  };
}

export type CodeVerification =
  | { outcome: 'verified'; citizenId: string; next: VerificationRecord }
  | { outcome: 'invalid'; attemptsLeft: number; next: VerificationRecord }
  | { outcome: 'locked'; retryAfter: number; next?: VerificationRecord }
  | { outcome: 'no_code' };

/**
 * The session `sessionId` presents a code whose hash is `presentedHash`. Locked → LOCKED (nothing
 * changes); no live code of this session → `no_code`; right → verified, the code used up and the
 * failures reset; wrong → one more failure, and the `maxAttempts`-th locks the destination.
 */
export function decideVerification(input: {
  record: VerificationRecord | undefined;
  sessionId: string;
  presentedHash: string;
  now: Date;
  policy: IdentificationPolicy;
}): CodeVerification {
  const { record, policy } = input;
  const now = epochSeconds(input.now);
  const locked = lockedFor(record, now);
  if (locked !== undefined) return { outcome: 'locked', retryAfter: locked };
  const pending = record?.pending;
  if (!record || !pending || pending.sessionId !== input.sessionId || pending.expiresAt <= now) {
    return { outcome: 'no_code' };
  }
  const { pending: _used, ...rest } = record;
  if (sameHash(pending.codeHash, input.presentedHash)) {
    return { outcome: 'verified', citizenId: pending.citizenId, next: { ...rest, failures: 0 } };
  }
  const failures = record.failures + 1;
  if (failures >= policy.maxAttempts) {
    const { lockedUntil: _previous, ...unlocked } = rest;
    return {
      outcome: 'locked',
      retryAfter: policy.lockSeconds,
      next: { ...unlocked, failures: 0, lockedUntil: now + policy.lockSeconds },
    };
  }
  return { outcome: 'invalid', attemptsLeft: policy.maxAttempts - failures, next: { ...record, failures } };
}
