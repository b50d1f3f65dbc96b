/**
 * Use case: a citizen presents the one-time code (`auth.verifyCode`).
 *
 * Primary course:
 *  1. Read the session: the destination whose code it asked for last (none → NOT_FOUND).
 *  2. Read that destination's record; decide (`decideVerification`): locked → LOCKED with
 *     `retryAfter`; no live code of this session (never asked, expired, used, or replaced by a later
 *     request of another session) → NOT_FOUND; a wrong code → one more failure under the record's
 *     version, INVALID_CODE with `attemptsLeft`, or LOCKED when it was the last allowed one.
 *  3. The right code: in one transaction, under the versions read, use the code up and reset the
 *     failures; make the session verified with the destination's `citizenId`; replace its resume
 *     token slots with one fresh slot (tokens handed to the guest do not carry over); keep the phone
 *     of a citizen who opted in to status SMS (`smsOptIn`, `smsPhone`); and carry the session's open
 *     conversation over to the citizen (`citizenId` on it); and bind the session to this connection
 *     (`verifiedConnectionId`): it is the only guest connection that may act as the citizen.
 *  4. Close the session's other open connections (`connection.closed` {reason `identified`}): one
 *     opened with a copied guest token must not read on as the citizen; the citizen's own other tabs
 *     reconnect with the token this connection gets (docs/protocol.md).
 *  5. Answer `auth.verified` with the citizen id and the new resume token (signed after the commit).
 *
 * Whenever another writer came first (a racing attempt, a hello, a first message opening a
 * conversation), nothing was written: read again and decide again. So N wrong codes racing each
 * other count exactly N failures, and the lock holds after exactly `maxAttempts`.
 */
import type { Caller } from '#events/authorizer-context.ts';
import type { AuthVerifiedFrame, AuthVerifyCodeFrame } from '#events/identification.ts';
import { ChatError } from '../errors.ts';
import {
  decideVerification,
  type IdentificationPolicy,
  type IdentityHasher,
  recordExpiresAt,
  type VerificationRecord,
} from '../identification.ts';
import type { IdentificationRepository } from '../ports/identification.ts';
import type { Clock } from '../ports/system.ts';
import {
  issueResumeToken,
  type ResumeTokenPolicy,
  type ResumeTokenSigner,
  type ResumeTokenSource,
} from '../resume-tokens.ts';
import { type CloseSessionConnectionsDeps, closeSessionConnections } from './close-session-connections.ts';

export interface VerifyCodeDeps extends CloseSessionConnectionsDeps {
  repository: IdentificationRepository;
  /** Only the code hash: the citizen id was fixed when the code was asked for. */
  hasher: Pick<IdentityHasher, 'codeHash'>;
  signer: ResumeTokenSigner;
  clock: Clock;
  policy: IdentificationPolicy;
  tokenPolicy: ResumeTokenPolicy;
  tokenSource: ResumeTokenSource;
}

/** Racing attempts on one destination: each round one of them wins, the rest read again. */
const MAX_ROUNDS = 20;

export async function verifyCode(
  deps: VerifyCodeDeps,
  input: { caller: Caller; frame: AuthVerifyCodeFrame; connectionId: string },
): Promise<AuthVerifiedFrame> {
  const { caller, frame, connectionId } = input;
  for (let round = 1; round <= MAX_ROUNDS; round++) {
    const identity = await deps.repository.getSessionIdentity(caller.sessionId);
    const destinationKey = identity?.pendingDestinationKey;
    if (!identity || destinationKey === undefined) throw new ChatError('NOT_FOUND');
    const [{ record, version }, presentedHash] = await Promise.all([
      deps.repository.getRecord(destinationKey),
      deps.hasher.codeHash(destinationKey, frame.code),
    ]);
    const now = deps.clock.now();
    const decision = decideVerification({
      record,
      sessionId: caller.sessionId,
      presentedHash,
      now,
      policy: deps.policy,
    });

    // A counted attempt is written under the version read; `false`: another attempt came first.
    const counted = (next: VerificationRecord) =>
      deps.repository
        .saveAttempt(next, version, recordExpiresAt(next, deps.policy))
        .then((saved) => saved === 'saved');

    switch (decision.outcome) {
      case 'no_code':
        throw new ChatError('NOT_FOUND');
      case 'locked':
        if (decision.next && !(await counted(decision.next))) continue;
        throw new ChatError('LOCKED', { retryAfter: decision.retryAfter });
      case 'invalid':
        if (!(await counted(decision.next))) continue;
        throw new ChatError('INVALID_CODE', { attemptsLeft: decision.attemptsLeft });
      case 'verified': {
        const resumable = identity.resumable;
        const issue = issueResumeToken({
          stored: resumable,
          alone: true,
          verified: true,
          now,
          policy: deps.tokenPolicy,
          source: deps.tokenSource,
        });
        const outcome = await deps.repository.completeVerification({
          record: decision.next,
          recordVersion: version,
          recordExpiresAt: recordExpiresAt(decision.next, deps.policy),
          session: resumable,
          citizenId: decision.citizenId,
          slots: issue.slots,
          openConversationId: resumable.session.openConversationId,
          connectionId,
          smsPhone: identity.pendingSmsPhone,
          maskedPhone: identity.pendingMaskedPhone,
        });
        if (outcome === 'conflict') continue;
        await closeSessionConnections(deps, {
          sessionId: caller.sessionId,
          reason: 'identified',
          except: connectionId,
        });
        return {
          type: 'auth.verified',
          citizenId: decision.citizenId,
          resumeToken: await deps.signer.sign(issue.claims),
        };
      }
    }
  }
  throw new Error('verification still contended after every round');
}
