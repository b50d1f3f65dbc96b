/**
 * Route `$default`: every frame whose `action` selects no route. Not JSON → BAD_REQUEST (from the
 * frame middleware); any JSON object → UNKNOWN_ACTION. The connection stays open either way.
 */
import { ChatError } from '#domain/errors.ts';
import { unroutedFrameSchema } from '#events/client-frames.ts';
import { routeHandler } from '#shared/websocket/route-handler.ts';

export const handler = routeHandler(unroutedFrameSchema, async () => {
  throw new ChatError('UNKNOWN_ACTION');
});
