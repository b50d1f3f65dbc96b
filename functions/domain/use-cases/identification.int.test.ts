/**
 * The identification use cases over DynamoDB Local with a clock the test moves: what takes minutes
 * or hours in real time (a code expiring, a lock ending, the hourly send limit) in milliseconds.
 * The repository, hasher and signer are the real ones; only the notifier records what it was given
 * (our own port, not an AWS client: the SNS/SES path is covered by the local outbox tests).
 */
import { randomInt, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ApiGatewayConnectionNotifier } from '#adapters/connection-notifier.ts';
import { DynamoConnectionRepository } from '#adapters/dynamodb/connection-repository.ts';
import { DynamoIdentificationRepository } from '#adapters/dynamodb/identification-repository.ts';
import { DynamoOncePerKey } from '#adapters/dynamodb/once-per-key.ts';
import { DynamoSessionRepository } from '#adapters/dynamodb/session-repository.ts';
import { HmacIdentityHasher } from '#adapters/identity-hasher.ts';
import { JwtResumeTokenSigner } from '#adapters/resume-token-signer.ts';
import { citizenIdKey, codeHmacKey, resumeTokenKey } from '#adapters/secret-keys.ts';
import type { Caller } from '#events/authorizer-context.ts';
import { readConfig } from '#shared/config.ts';
import { identificationPolicy } from '#shared/identification-policy.ts';
import { lambdaContext } from '../../../test/support/lambda-context.ts';
import { ChatError } from '../errors.ts';
import type { OutOfBandMessage } from '../ports/out-of-band.ts';
import { randomResumeTokenSource } from '../resume-tokens.ts';
import { expiresAfterDays } from '../retention.ts';
import { startSession } from '../sessions.ts';
import { requestCode } from './request-code.ts';
import { verifyCode } from './verify-code.ts';

const config = readConfig();
const policy = identificationPolicy(readConfig({}));
const sessions = new DynamoSessionRepository(config.sessionsTable);
const gateway = new ApiGatewayConnectionNotifier({
  endpoint: config.wsConnectionsEndpoint,
  timeoutMs: config.postTimeoutMs,
});
const codeRequests = new DynamoOncePerKey({
  tableName: config.idempotencyTable,
  keyPrefix: 'code',
  expiresAfterSeconds: policy.codeTtlSeconds,
});

function harness() {
  let now = new Date();
  const sent: OutOfBandMessage[] = [];
  const shared = {
    repository: new DynamoIdentificationRepository({
      verificationCodesTable: config.verificationCodesTable,
      sessionsTable: config.sessionsTable,
      conversationsTable: config.conversationsTable,
    }),
    hasher: new HmacIdentityHasher({ codeKey: codeHmacKey(config), citizenKey: citizenIdKey(config) }),
    clock: { now: () => now },
    policy,
  };
  const deps = {
    request: {
      ...shared,
      notifier: { send: async (message: OutOfBandMessage) => void sent.push(message) },
      once: codeRequests.within(lambdaContext('AuthRequestCode')),
    },
    verify: {
      ...shared,
      signer: new JwtResumeTokenSigner(resumeTokenKey(config)),
      tokenPolicy: { ttlSeconds: 3600, graceSeconds: 60 },
      tokenSource: randomResumeTokenSource,
      connections: new DynamoConnectionRepository(config.connectionsTable),
      notifier: gateway,
      closer: gateway,
    },
  };
  return {
    advance: (seconds: number) => {
      now = new Date(now.getTime() + seconds * 1000);
    },
    async session(): Promise<Caller> {
      const sessionId = randomUUID();
      await sessions.createIfAbsent(
        startSession({ sessionId, lang: 'en', now: new Date(), expiresAt: expiresAfterDays(new Date(), 1) }),
      );
      return { sessionId, principalId: sessionId, role: 'guest', lang: 'en' };
    },
    ask: (caller: Caller, phone: string, requestId?: string) =>
      requestCode(deps.request, {
        caller,
        frame: { action: 'auth.requestCode', phone, ...(requestId === undefined ? {} : { requestId }) },
      }),
    sent,
    verify: (caller: Caller, code: string) =>
      verifyCode(deps.verify, {
        caller,
        frame: { action: 'auth.verifyCode', code },
        connectionId: `conn-${randomUUID()}`,
      }),
    lastCode: () => /\b(\d{6})\b/.exec(sent.at(-1)?.text ?? '')?.[1] ?? '',
  };
}

const newPhone = () => `+7916${String(randomInt(0, 10_000_000)).padStart(7, '0')}`;

async function refusal(
  promise: Promise<unknown>,
): Promise<Pick<ChatError, 'code' | 'retryAfter' | 'attemptsLeft'>> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ChatError)
      return { code: error.code, retryAfter: error.retryAfter, attemptsLeft: error.attemptsLeft };
    throw error;
  }
  throw new Error('expected a ChatError');
}

describe('identification over time', () => {
  it('gives the same phone the same citizen id in every session, and another phone another', async () => {
    // Prepare
    const h = harness();
    const phone = newPhone();
    const [first, second, third] = [await h.session(), await h.session(), await h.session()];

    // Act
    await h.ask(first, phone);
    const a = await h.verify(first, h.lastCode());
    h.advance(policy.destination.intervalSeconds);
    await h.ask(second, phone);
    const b = await h.verify(second, h.lastCode());
    await h.ask(third, newPhone());
    const c = await h.verify(third, h.lastCode());

    // Assess
    expect(b.citizenId).toBe(a.citizenId);
    expect(c.citizenId).not.toBe(a.citizenId);
  });

  it('sends one code for a request however often its frame comes, and a new code for a new request', async () => {
    // Prepare
    const h = harness();
    const caller = await h.session();
    const phone = newPhone();

    // Act
    const first = await h.ask(caller, phone, 'r-1');
    const firstCode = h.lastCode();
    const resent = await h.ask(caller, phone, 'r-1');
    h.advance(policy.destination.intervalSeconds);
    const next = await h.ask(caller, phone, 'r-2');

    // Assess
    expect(resent).toEqual(first);
    expect(h.sent.map((m) => m.to)).toEqual([phone, phone]);
    expect(h.lastCode()).not.toBe(firstCode);
    expect(next).toMatchObject({ type: 'auth.codeSent', channel: 'sms' });
    expect(await h.verify(caller, h.lastCode())).toMatchObject({ type: 'auth.verified' });
  });

  it('lets a code expire after its lifetime', async () => {
    // Prepare
    const h = harness();
    const caller = await h.session();
    await h.ask(caller, newPhone());
    const code = h.lastCode();

    // Act
    h.advance(policy.codeTtlSeconds);
    const expired = await refusal(h.verify(caller, code));

    // Assess
    expect(expired.code).toBe('NOT_FOUND');
  });

  it('ends a lock after its time; the code of before the lock is worthless, a new one works', async () => {
    // Prepare
    const h = harness();
    const caller = await h.session();
    const phone = newPhone();
    await h.ask(caller, phone);
    const old = h.lastCode();
    const wrong = String((Number(old) + 1) % 1_000_000).padStart(6, '0');
    for (let i = 0; i < policy.maxAttempts; i++) await refusal(h.verify(caller, wrong));

    // Act
    h.advance(policy.lockSeconds - 1);
    const stillLocked = await refusal(h.ask(caller, phone));
    h.advance(1);
    const oldAfterLock = await refusal(h.verify(caller, old));
    await h.ask(caller, phone);
    const verified = await h.verify(caller, h.lastCode());

    // Assess
    expect(stillLocked).toMatchObject({ code: 'LOCKED', retryAfter: 1 });
    expect(oldAfterLock.code).toBe('NOT_FOUND');
    expect(verified.type).toBe('auth.verified');
  });

  it('sends at most five codes an hour to a destination, then tells when the window ends', async () => {
    // Prepare
    const h = harness();
    const phone = newPhone();
    for (let i = 0; i < policy.destination.maxPerWindow; i++) {
      await h.ask(await h.session(), phone);
      h.advance(policy.destination.intervalSeconds);
    }

    // Act
    const sixth = await refusal(h.ask(await h.session(), phone));
    h.advance(
      policy.destination.windowSeconds - policy.destination.maxPerWindow * policy.destination.intervalSeconds,
    );
    const nextWindow = await h.ask(await h.session(), phone);

    // Assess
    expect(sixth).toMatchObject({
      code: 'RATE_LIMITED',
      retryAfter:
        policy.destination.windowSeconds -
        policy.destination.maxPerWindow * policy.destination.intervalSeconds,
    });
    expect(nextWindow.type).toBe('auth.codeSent');
  });

  it('binds the code to the session that asked last: the earlier session’s code is gone', async () => {
    // Prepare
    const h = harness();
    const phone = newPhone();
    const [earlier, later] = [await h.session(), await h.session()];
    await h.ask(earlier, phone);
    const earlierCode = h.lastCode();
    h.advance(policy.destination.intervalSeconds);
    await h.ask(later, phone);

    // Act
    const stale = await refusal(h.verify(earlier, earlierCode));
    const verified = await h.verify(later, h.lastCode());

    // Assess
    expect(stale.code).toBe('NOT_FOUND');
    expect(verified.type).toBe('auth.verified');
  });

  it('answers CONFLICT to a verified session asking for another code', async () => {
    // Prepare
    const h = harness();
    const caller = await h.session();
    await h.ask(caller, newPhone());
    await h.verify(caller, h.lastCode());
    h.advance(policy.session.intervalSeconds);

    // Act
    const again = await refusal(h.ask(caller, newPhone()));

    // Assess
    expect(again.code).toBe('CONFLICT');
  });

  it('verifies a session once even when a second destination races the verification', async () => {
    // A verification and a code request for another phone, on two connections of one session, at
    // once: whichever commits first, the session ends identified as exactly one citizen.
    for (let round = 0; round < 8; round += 1) {
      // Prepare
      const h = harness();
      const caller = await h.session();
      await h.ask(caller, newPhone());
      const firstCode = h.lastCode();
      h.advance(policy.session.intervalSeconds);

      // Act
      const [first, second] = await Promise.allSettled([
        h.verify(caller, firstCode),
        h.ask(caller, newPhone()),
      ]);
      const verifications = [first];
      if (second.status === 'fulfilled')
        verifications.push(...(await Promise.allSettled([h.verify(caller, h.lastCode())])));

      // Assess
      const verified = verifications.flatMap((outcome) =>
        outcome.status === 'fulfilled' ? [outcome.value] : [],
      );
      expect(verified).toHaveLength(1);
      const stored = await sessions.get(caller.sessionId);
      expect(stored?.citizenId).toBe(
        verified[0]?.type === 'auth.verified' ? verified[0].citizenId : undefined,
      );
    }
  });
});
