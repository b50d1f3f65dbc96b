/**
 * Route `queue.stats` (operators, seniors): how many wait in each operator queue and for how long
 * the first in line has waited (the same frame is pushed to online operators when the queues move).
 */

import { DynamoWaitingLine } from '#adapters/dynamodb/waiting-line.ts';
import { sharedFrameLimits } from '#adapters/frame-limits.ts';
import { operatorPresence } from '#adapters/operator-presence.ts';
import { staffConfirmation } from '#adapters/staff-confirmation.ts';
import { systemClock } from '#adapters/system.ts';
import { readQueueStats } from '#domain/use-cases/places-in-line.ts';
import { queueStatsFrameSchema } from '#events/operator-frames.ts';
import { config } from '#shared/config.ts';
import { routeHandler } from '#shared/websocket/route-handler.ts';

const deps = { line: new DynamoWaitingLine(config.conversationsTable), clock: systemClock };

export const handler = routeHandler(queueStatsFrameSchema, async () => readQueueStats(deps), {
  presence: operatorPresence(),
  staff: staffConfirmation(),
  limits: sharedFrameLimits(),
});
