/**
 * How a writer that lost the `lastSeq` race tries again: bounded attempts, exponential backoff with
 * full jitter so that concurrent losers spread out instead of colliding again in lockstep.
 */
export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/**
 * A conversation is written by one citizen and the bot (later an operator), so real contention is
 * a handful of writers; the budget still lets 20 simultaneous sends on one conversation all land.
 */
export const SEQ_CONFLICT_RETRY: RetryPolicy = { maxAttempts: 40, baseDelayMs: 4, maxDelayMs: 120 };

/** Delay before attempt `attempt + 1` (attempt counts from 1), in milliseconds. */
export function backoffDelay(
  policy: RetryPolicy,
  attempt: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(random() * ceiling);
}
