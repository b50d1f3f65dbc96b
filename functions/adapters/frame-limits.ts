/**
 * The per-client limits of the WebSocket routes (`FrameLimiter`): `sharedFrameLimits()` counts on
 * LimitsTable (the routes that already talk to DynamoDB pass it to `routeHandler`); routes given
 * none count in their instance's memory only (`frameRoute`'s default).
 */
import { FrameLimiter } from '#domain/client-limits.ts';
import { clientLimits } from '#shared/client-limits.ts';
import { config } from '#shared/config.ts';
import { DynamoRateCounter } from './dynamodb/rate-counter.ts';

let shared: FrameLimiter | undefined;

/** One per function instance, so its memory of refusals is shared by every frame it takes. */
export function sharedFrameLimits(): FrameLimiter {
  shared ??= new FrameLimiter(clientLimits(config), new DynamoRateCounter(config.limitsTable));
  return shared;
}
