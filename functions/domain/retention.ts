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

/** Idempotency keys only need to outlive any client's resend window. */
export const IDEMPOTENCY_TTL_SECONDS = SECONDS_PER_DAY;

export function isExpired(item: { expiresAt?: number }, now: Date): boolean {
  return item.expiresAt !== undefined && item.expiresAt < epochSeconds(now);
}
