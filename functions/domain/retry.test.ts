import { describe, expect, it } from 'vitest';
import {
  backoffDelay,
  LOST_RACE,
  type RetryPolicy,
  redeliveryDelaySeconds,
  SeqContentionError,
  withRetry,
  withSeqRetry,
} from './retry.ts';

const policy: RetryPolicy = { maxAttempts: 10, baseDelayMs: 5, maxDelayMs: 100 };

describe('backoff after a lost seq race', () => {
  it('waits up to the base delay after the first attempt', () => {
    // Act
    const longest = backoffDelay(policy, 1, () => 1);

    // Assess
    expect(longest).toBe(5);
  });

  it('doubles the ceiling with each attempt and never passes the maximum', () => {
    // Act
    const ceilings = [1, 2, 3, 4, 5, 6, 7].map((attempt) => backoffDelay(policy, attempt, () => 1));

    // Assess
    expect(ceilings).toEqual([5, 10, 20, 40, 80, 100, 100]);
  });

  it('spreads losers anywhere between no wait and the ceiling (full jitter)', () => {
    // Act
    const shortest = backoffDelay(policy, 4, () => 0);
    const middle = backoffDelay(policy, 4, () => 0.5);

    // Assess
    expect(shortest).toBe(0);
    expect(middle).toBe(20);
  });
});

describe('the delay before a failed job comes back', () => {
  it('doubles with every delivery, from one second', () => {
    expect([1, 2, 3, 4, 5].map((count) => redeliveryDelaySeconds(count))).toEqual([1, 2, 4, 8, 16]);
  });

  it('never exceeds its ceiling, however often the job failed', () => {
    expect(redeliveryDelaySeconds(40)).toBe(60);
    expect(redeliveryDelaySeconds(9, 30)).toBe(30);
  });
});

describe('a writer that loses the seq race', () => {
  const noSleep = { sleep: async () => undefined };

  it('tries again until an attempt lands, and returns what it produced', async () => {
    // Prepare
    let calls = 0;

    // Act
    const result = await withSeqRetry(noSleep, policy, async () => (++calls < 3 ? LOST_RACE : 'stored'));

    // Assess
    expect(result).toBe('stored');
    expect(calls).toBe(3);
  });

  it('gives up with SeqContentionError after the policy allows no more attempts', async () => {
    // Prepare
    let calls = 0;

    // Act
    const attempt = withSeqRetry(noSleep, policy, async () => {
      calls++;
      return LOST_RACE;
    });

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(SeqContentionError);
    expect(calls).toBe(policy.maxAttempts);
  });
});

describe('a transaction that keeps meeting others', () => {
  it('backs off between attempts and, exhausted, throws the error the caller names', async () => {
    // Prepare
    const sleeps: number[] = [];
    const sleeper = { sleep: async (ms: number) => void sleeps.push(ms) };
    let calls = 0;

    // Act
    const attempt = withRetry(
      sleeper,
      { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 160 },
      async () => {
        calls++;
        return LOST_RACE;
      },
      (attempts) => new Error(`contended ${attempts} times`),
    );

    // Assess
    await expect(attempt).rejects.toThrow('contended 3 times');
    expect(calls).toBe(3);
    expect(sleeps).toHaveLength(2);
    expect(sleeps.every((ms) => ms >= 0 && ms <= 40)).toBe(true);
  });
});
