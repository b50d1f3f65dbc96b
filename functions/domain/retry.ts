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

/**
 * How long a queued job that failed waits before its next delivery, in seconds. Left to the queue's
 * visibility timeout (6× the worker's timeout, minutes), one transient failure would hold the
 * whole conversation — FIFO blocks its group — far past the 30 s first-response SLA; so a failed
 * job comes back after 1, 2, 4, 8… seconds (by its receive count), at most `maxSeconds`, until the
 * redrive policy sends it to the dead-letter queue.
 */
export function redeliveryDelaySeconds(receiveCount: number, maxSeconds = 60): number {
  const exponent = Math.max(0, Math.floor(receiveCount) - 1);
  return Math.min(maxSeconds, 2 ** exponent);
}
