/**
 * The Lambda handler of a request/response WebSocket route, built once for every route: the
 * Powertools logger context, then (for routes that record metrics) the EMF flush, then the frame
 * middleware of frameRoute (caller, size, JSON, authorization, schema, and the `error` frame on any
 * failure). The route's function gets what the middleware parsed and returns the frame to answer,
 * which is sent with the request's `requestId` echoed, or `noAnswer` to send nothing (`typing`).
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy, { type MiddyfiedHandler } from '@middy/core';
import type { Context } from 'aws-lambda';
import type { ConnectionNotifier } from '#domain/ports/delivery.ts';
import type { PresenceRenewer } from '#domain/use-cases/renew-presence.ts';
import type { Caller } from '#events/authorizer-context.ts';
import type { MessageAckFrame, RouteAnswer } from '#events/server-frames.ts';
import type * as z from '#events/zod.ts';
import { logger, metrics } from '../observability.ts';
import { type FrameRouteOptions, frameRoute, type RouteInput } from './frame-route.ts';
import type { NoAnswer, RouteResponse, WebSocketRouteEvent } from './route-event.ts';

export interface RouteHandlerOptions extends FrameRouteOptions {
  /**
   * Flush the metrics the route records (Powertools `logMetrics`, after the logger context).
   * @default false: a route that records none would only log "no metrics to publish"
   */
  metrics?: boolean;
  /**
   * Renews the presence lease of a staff caller with each frame the route takes (docs/protocol.md,
   * "Presence"), alongside the route's own work; a failed renewal is logged, never the frame's error.
   * @default undefined: the route renews nothing (citizens' routes, and those that renew themselves)
   */
  presence?: PresenceRenewer;
  /**
   * Lets the route send its answer before it has finished (`RouteInput.answerNow`), through
   * `@connections`: `message.send` acks the stored message before the bot's turn.
   * @default undefined: the answer is the route response
   */
  answerEarly?: ConnectionNotifier;
}

/** What a route that answers nothing on success returns: the response carries no frame. */
export const noAnswer: NoAnswer = { statusCode: 200 };

/** The response of a route: a frame for an answer; none for `noAnswer`; a frame for a route that only throws. */
type ResponseOf<A> = [A] extends [never] ? RouteResponse : A extends NoAnswer ? NoAnswer : RouteResponse;

export type RouteHandler<A> = MiddyfiedHandler<WebSocketRouteEvent, ResponseOf<A>, Error, Context>;

export function routeHandler<S extends z.ZodMiniType, A extends RouteAnswer | NoAnswer>(
  schema: S,
  handle: (input: RouteInput<z.output<S>>, event: WebSocketRouteEvent, context: Context) => Promise<A>,
  options: RouteHandlerOptions = {},
): RouteHandler<A> {
  const { metrics: recordsMetrics = false, presence, answerEarly, ...frameOptions } = options;
  const route = frameRoute(schema, frameOptions);
  const base = middy<WebSocketRouteEvent, RouteResponse | NoAnswer>().use(injectLambdaContext(logger));
  const withMetrics = recordsMetrics ? base.use(logMetrics(metrics)) : base;
  const handler = withMetrics.use(route.middleware).handler(async (event, context) => {
    const parsed = route.input(event);
    let answered = false;
    const input = answerEarly
      ? {
          ...parsed,
          answerNow: async (frame: MessageAckFrame) => {
            const outcome = await answerEarly.post(parsed.connectionId, route.echo(event, frame));
            answered = outcome === 'delivered';
            if (answered) route.answeredEarly(event);
            return answered;
          },
        }
      : parsed;
    const renewal = renewPresenceOf(presence, input.caller);
    const answer = await handle(input, event, context);
    await route.settle(event);
    await renewal;
    return isNoAnswer(answer) || answered ? { statusCode: 200 } : route.answer(event, answer);
  });
  return handler as RouteHandler<A>;
}

/** The renewal for a staff caller, settled whatever happens: a lease is a hint, not the frame's business. */
async function renewPresenceOf(presence: PresenceRenewer | undefined, caller: Caller): Promise<void> {
  if (!presence || (caller.role !== 'operator' && caller.role !== 'senior')) return;
  try {
    await presence.renew(caller.principalId, caller.role);
  } catch (error) {
    logger.warn('presence lease not renewed', { operatorId: caller.principalId, error });
  }
}

function isNoAnswer(answer: RouteAnswer | NoAnswer): answer is NoAnswer {
  return !('type' in answer);
}
