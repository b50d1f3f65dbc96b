/**
 * Use case: a citizen asks for a one-time code (`auth.requestCode`).
 *
 * Primary course:
 *  1. Parse the destination: a valid mobile number normalised to E.164, or an e-mail (BAD_REQUEST
 *     naming the field otherwise; nothing is read or stored).
 *  2. Read the session (its sends in the current window) and the destination's record, by the
 *     destination's keyed hash.
 *  3. Decide: a locked destination → LOCKED; over the destination's limits (one per interval, a
 *     maximum per window) or the session's (a flood from one connection) → RATE_LIMITED; each
 *     with `retryAfter`.
 *  4. Draw a fresh 6-digit code, and store only its keyed hash, bound to this session, with the
 *     counters, in one transaction under the versions read; when another request came first, read
 *     again and decide again, so the limits hold exactly under concurrency. The phone itself is
 *     kept on the session only when the citizen opted in to status SMS (`smsOptIn`).
 *  5. Send the code by SMS or e-mail in the session language; answer `auth.codeSent` with the
 *     masked destination, the code's lifetime and when another may be asked for.
 *
 * A session that is already verified is answered CONFLICT: identification happens once per
 * session (a different identity is a new session). A code that could not be handed to SNS/SES is
 * still counted: the failure is INTERNAL, and the client asks again after `resendIn`.
 *
 * One request, one code: a frame that carries a `requestId` is done once per (session, requestId,
 * destination) while its code lives (`deps.once`). The same frame again (a client resending what it
 * got no answer to) is answered the first `auth.codeSent`, and no second code is drawn, counted or
 * sent; while the first is still being handled, RATE_LIMITED. Another request (another requestId, or
 * none) is a new request: a new code, within the limits.
 */
import type { Caller } from '#events/authorizer-context.ts';
import {
  type AuthCodeSentFrame,
  type AuthRequestCodeFrame,
  authCodeSentFrameSchema,
} from '#events/identification.ts';
import { ChatError } from '../errors.ts';
import { codeRequestKey } from '../idempotency.ts';
import {
  codeMessage,
  type Destination,
  decideCodeRequest,
  decideSend,
  type IdentificationPolicy,
  type IdentityHasher,
  maskDestination,
  newCode,
  parseDestination,
  recordExpiresAt,
} from '../identification.ts';
import type { IdentificationRepository } from '../ports/identification.ts';
import { type OncePerKey, WorkInProgressError } from '../ports/once-per-key.ts';
import type { OutOfBandNotifier } from '../ports/out-of-band.ts';
import type { Clock } from '../ports/system.ts';
import { epochSeconds } from '../retention.ts';

export interface RequestCodeDeps {
  repository: IdentificationRepository;
  hasher: IdentityHasher;
  notifier: OutOfBandNotifier;
  clock: Clock;
  policy: IdentificationPolicy;
  once: OncePerKey;
  /** Where codes come from (the CSPRNG; fixed in tests). */
  newCode?: () => string;
}

/** Concurrent requests for one destination or session are a handful; each round re-reads. */
const MAX_ROUNDS = 8;

export async function requestCode(
  deps: RequestCodeDeps,
  input: { caller: Caller; frame: AuthRequestCodeFrame },
): Promise<AuthCodeSentFrame> {
  const { caller, frame } = input;
  const destination = parseDestination(frame);
  const [destinationKey, citizenId] = await Promise.all([
    deps.hasher.destinationKey(destination),
    deps.hasher.citizenId(destination),
  ]);
  const request: CodeRequest = { caller, frame, destination, destinationKey, citizenId };
  if (frame.requestId === undefined) return sendNewCode(deps, request);
  try {
    const { result } = await deps.once.run(
      codeRequestKey(caller.sessionId, frame.requestId, destinationKey),
      () => sendNewCode(deps, request),
      (stored) => authCodeSentFrameSchema.parse(stored),
    );
    return result;
  } catch (error) {
    // The first of the two frames is answered in a moment; this one only needs telling so.
    if (error instanceof WorkInProgressError) throw new ChatError('RATE_LIMITED', { retryAfter: 1 });
    throw error;
  }
}

interface CodeRequest {
  caller: Caller;
  frame: AuthRequestCodeFrame;
  destination: Destination;
  destinationKey: string;
  citizenId: string;
}

async function sendNewCode(deps: RequestCodeDeps, request: CodeRequest): Promise<AuthCodeSentFrame> {
  const { caller, frame, destination, destinationKey, citizenId } = request;
  for (let round = 1; round <= MAX_ROUNDS; round++) {
    const [identity, { record, version }] = await Promise.all([
      deps.repository.getSessionIdentity(caller.sessionId),
      deps.repository.getRecord(destinationKey),
    ]);
    if (!identity) throw new ChatError('NOT_FOUND');
    if (identity.resumable.session.verified) throw new ChatError('CONFLICT');

    const now = deps.clock.now();
    const code = (deps.newCode ?? newCode)();
    const decision = decideCodeRequest({
      record,
      destinationKey,
      channel: destination.channel,
      pending: {
        codeHash: await deps.hasher.codeHash(destinationKey, code),
        sessionId: caller.sessionId,
        citizenId,
        expiresAt: epochSeconds(now) + deps.policy.codeTtlSeconds,
      },
      now,
      policy: deps.policy,
    });
    if (decision.outcome === 'locked') throw new ChatError('LOCKED', { retryAfter: decision.retryAfter });
    if (decision.outcome === 'rate_limited') {
      throw new ChatError('RATE_LIMITED', { retryAfter: decision.retryAfter });
    }
    const sessionSend = decideSend(identity.codeSends, epochSeconds(now), deps.policy.session);
    if (!sessionSend.allowed) throw new ChatError('RATE_LIMITED', { retryAfter: sessionSend.retryAfter });

    const saved = await deps.repository.saveCodeRequest({
      record: decision.next,
      recordVersion: version,
      recordExpiresAt: recordExpiresAt(decision.next, deps.policy),
      sessionId: caller.sessionId,
      codeSends: sessionSend.next,
      identityVersion: identity.identityVersion,
      smsPhone: destination.channel === 'sms' && frame.smsOptIn === true ? destination.address : undefined,
      maskedPhone: destination.channel === 'sms' ? maskDestination(destination) : undefined,
    });
    if (saved === 'conflict') continue;

    const message = codeMessage(code, caller.lang, deps.policy.codeTtlSeconds);
    await deps.notifier.send(
      destination.channel === 'sms'
        ? { channel: 'sms', to: destination.address, text: message.text }
        : { channel: 'email', to: destination.address, subject: message.subject, text: message.text },
    );
    return {
      type: 'auth.codeSent',
      channel: destination.channel,
      destination: maskDestination(destination),
      expiresIn: deps.policy.codeTtlSeconds,
      resendIn: Math.max(decision.resendIn, sessionSend.resendIn),
    };
  }
  // Still contended after several fresh reads: someone is hammering this destination or session.
  throw new ChatError('RATE_LIMITED', { retryAfter: deps.policy.session.intervalSeconds });
}
