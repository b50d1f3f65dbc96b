import type { Sleeper } from './ports/system.ts';

/**
 * How a writer that lost a race (the `lastSeq` race, a transaction that met another) tries again:
 * bounded attempts, exponential backoff with full jitter so that concurrent losers spread out
 * instead of colliding again in lockstep.
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

/**
 * A dispatch move (a conversation leaving an operator for a queue) whose transaction met another on
 * the conversation or the operator: a handful of writers at most, each try re-checks the conditions.
 */
export const CONTENDED_MOVE_RETRY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 20, maxDelayMs: 160 };

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

/** Thrown when every attempt lost the race; the client sees INTERNAL and may resend safely. */
export class SeqContentionError extends Error {
  constructor(attempts: number) {
    super(`seq allocation lost the race ${attempts} times`);
    this.name = 'SeqContentionError';
  }
}

/** What an attempt returns when another writer came first and nothing was written. */
export const LOST_RACE: unique symbol = Symbol('lost the race');

/**
 * Runs `attempt` (1, 2, …) until it returns something other than {@link LOST_RACE}, backing off
 * with jitter between attempts, at most `policy.maxAttempts` times; then throws what
 * `exhausted(attempts)` makes. Every retry of a lost race goes through here.
 */
export async function withRetry<T>(
  sleeper: Sleeper,
  policy: RetryPolicy,
  attempt: (attemptNumber: number) => Promise<T | typeof LOST_RACE>,
  exhausted: (attempts: number) => Error,
): Promise<T> {
  for (let n = 1; n <= policy.maxAttempts; n++) {
    const result = await attempt(n);
    if (result !== LOST_RACE) return result;
    if (n < policy.maxAttempts) await sleeper.sleep(backoffDelay(policy, n));
  }
  throw exhausted(policy.maxAttempts);
}

/**
 * {@link withRetry} for the writers of a conversation's seq; exhausted, it throws
 * {@link SeqContentionError}.
 */
export async function withSeqRetry<T>(
  sleeper: Sleeper,
  policy: RetryPolicy,
  attempt: (attemptNumber: number) => Promise<T | typeof LOST_RACE>,
): Promise<T> {
  return withRetry(sleeper, policy, attempt, (attempts) => new SeqContentionError(attempts));
}
