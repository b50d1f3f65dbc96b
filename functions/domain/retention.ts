/**
 * When stored items expire. DynamoDB's TTL attribute `expiresAt` holds epoch seconds; DynamoDB
 * deletes late (up to 48 h) and DynamoDB Local never, so readers also compare it with the clock.
 */
const SECONDS_PER_DAY = 24 * 60 * 60;

export function epochSeconds(at: Date): number {
  return Math.floor(at.getTime() / 1000);
}

export function expiresAfterSeconds(now: Date, seconds: number): number {
  return epochSeconds(now) + seconds;
}

export function expiresAfterDays(now: Date, days: number): number {
  return expiresAfterSeconds(now, days * SECONDS_PER_DAY);
}

/** Idempotency keys of client sends only need to outlive any client's resend window. */
export const IDEMPOTENCY_TTL_SECONDS = SECONDS_PER_DAY;

/**
 * The dead-letter queues keep a job 14 days (infra: a redrive after a long weekend must still find
 * it). The key that says "the bot has answered this message" must outlive that, or a redriven job
 * would be answered a second time with a new seq.
 */
export const DEAD_LETTER_RETENTION_DAYS = 14;
export const BOT_REPLY_KEY_TTL_SECONDS = (DEAD_LETTER_RETENTION_DAYS + 2) * SECONDS_PER_DAY;

/**
 * A DynamoDB stream keeps a record 24 hours: nothing replays a notice later than that, so its key
 * (functions/domain/ports/once-per-key.ts) is kept a day longer, never forever.
 */
export const NOTICE_KEY_TTL_SECONDS = 2 * SECONDS_PER_DAY;

export function isExpired(item: { expiresAt?: number }, now: Date): boolean {
  return item.expiresAt !== undefined && item.expiresAt < epochSeconds(now);
}
