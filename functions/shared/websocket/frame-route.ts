/**
 * The middy middleware of every request/response WebSocket route, and the typed access to what it
 * parsed. Before the handler: read the caller from the authorizer context, refuse an oversized
 * body, parse the JSON frame, apply the authorization policy of the route key
 * (functions/domain/authorization.ts: UNAUTHORIZED/FORBIDDEN, and the caller resolved from its
 * session where the policy says so), check a staff caller against the user pool (removed,
 * disabled, demoted), validate it with the route's zod schema (BAD_REQUEST with `details`).
 * On any error: answer an `error` frame in the session language with the echoed `requestId`
 * as the route response, so the connection stays usable and nothing is stored.
 */
import type { MiddlewareObj, Request } from '@middy/core';
import { authorizeAction, type CitizenSessionReader } from '#domain/authorization.ts';
import { type DeferredFrameCount, FrameLimiter } from '#domain/client-limits.ts';
import { badRequest, ChatError } from '#domain/errors.ts';
import type { StaffConfirmer } from '#domain/use-cases/confirm-staff.ts';
import { type Caller, callerSchema } from '#events/authorizer-context.ts';
import { DEFAULT_LANG, type Lang } from '#events/lang.ts';
import type { MessageAckFrame, RouteAnswer } from '#events/server-frames.ts';
import type * as z from '#events/zod.ts';
import { clientLimits } from '../client-limits.ts';
import { config } from '../config.ts';
import { toDetails } from '../error-details.ts';
import { logger } from '../observability.ts';
import { toErrorFrame } from './error-frame.ts';
import {
  MAX_FRAME_BYTES,
  type NoAnswer,
  type RouteResponse,
  type WebSocketRouteEvent,
} from './route-event.ts';

export interface RouteInput<F> {
  frame: F;
  /**
   * The caller the action is done for: the authorizer context, except that a guest who verified on
   * this connection is resolved to `citizen` (with `citizenId`) where the policy asks for it.
   */
  caller: Caller;
  connectionId: string;
  /**
   * The frame's count on the per-client limits, for the route's own write to carry
   * (`countFrameInWrite`); counted on its own after the route if no write did.
   */
  frameCount?: DeferredFrameCount;
  /**
   * Sends `frame` as this request's answer now, through `@connections` (`routeHandler`'s
   * `answerEarly`); true once delivered, and the route then answers nothing more.
   */
  answerNow?: (frame: MessageAckFrame) => Promise<boolean>;
}

interface RouteState {
  lang: Lang;
  requestId?: string;
  input?: RouteInput<unknown>;
  frameCount?: DeferredFrameCount;
  /** The answer went out through `@connections` already (`answeredEarly`). */
  answered?: boolean;
}

export interface FrameRoute<F> {
  middleware: MiddlewareObj<WebSocketRouteEvent, RouteResponse | NoAnswer>;
  /** What the middleware parsed for this event; only callable from the route's handler. */
  input(event: WebSocketRouteEvent): RouteInput<F>;
  /** The route response carrying `frame`, with the request's `requestId` echoed after `type`. */
  answer(event: WebSocketRouteEvent, frame: RouteAnswer): RouteResponse;
  /** `frame` with the request's `requestId` echoed after `type`. */
  echo<F extends RouteAnswer>(event: WebSocketRouteEvent, frame: F): F;
  /**
   * The answer was sent through `@connections` before the route finished: the route responds with
   * no frame, and a failure after it is logged, never answered with an `error` frame.
   */
  answeredEarly(event: WebSocketRouteEvent): void;
  /** Counts the frame on its own if the route's write did not (`countFrameInWrite`); RATE_LIMITED over a limit. */
  settle(event: WebSocketRouteEvent): Promise<void>;
}

export interface FrameRouteOptions {
  /**
   * Where a guest caller's session is read: required by the routes whose policy resolves guests
   * (`resolveCitizen` in functions/domain/authorization.ts). It is passed in rather than created
   * here so that the other routes never bundle the DynamoDB client: esbuild hoists an external
   * package's import to the top of an ESM bundle even behind a dynamic `import()`, and loading the
   * SDK is most of a function's cold start (docs/benchmarks.md).
   */
  sessions?: CitizenSessionReader;
  /**
   * Checks a staff caller against the user pool (functions/domain/use-cases/confirm-staff.ts):
   * required by every route staff may send. Passed in for the reason `sessions` is: only those
   * routes bundle the Cognito client.
   */
  staff?: StaffConfirmer;
  /**
   * The per-client limits every frame is counted against before it is read (docs/protocol.md,
   * "Limits per client"): `sharedFrameLimits()` (functions/adapters/frame-limits.ts) for a route
   * that talks to DynamoDB anyway; passed in for the same reason as `sessions`.
   * @default the limits counted in this instance's memory only
   */
  limits?: FrameLimiter;
  /**
   * The route writes the frame's count on the shared counter in its own transaction
   * (`RouteInput.frameCount`, functions/domain/client-limits.ts `DeferredFrameCount`): one write
   * per frame instead of two. A frame that stores nothing is counted on its own after the route.
   * @default false: counted before the frame is read
   */
  countFrameInWrite?: boolean;
}

/** `$default` answers frames of no route (UNKNOWN_ACTION): there is no action to authorize. */
const UNROUTED_KEY = '$default';

export function frameRoute<S extends z.ZodMiniType>(
  schema: S,
  options: FrameRouteOptions = {},
): FrameRoute<z.output<S>> {
  // Keyed by the event object, so concurrent invocations (local gateway) never see each other's state.
  const states = new WeakMap<WebSocketRouteEvent, RouteState>();
  // Only routes whose policy resolves guests ever read a session. One that does without a reader
  // is a wiring mistake: it fails closed (INTERNAL), never admitting the guest as it stands.
  const sessions: CitizenSessionReader = options.sessions ?? {
    get: async () => {
      throw new Error('this route resolves guests from their session but was given no session reader');
    },
  };

  // A staff caller on a route wired without the check fails closed (INTERNAL), never unchecked.
  const staff: StaffConfirmer = options.staff ?? {
    confirm: async () => {
      throw new Error('this route admits staff but was given no staff check');
    },
  };
  const limits = options.limits ?? new FrameLimiter(clientLimits(config), undefined);

  const stateOf = (event: WebSocketRouteEvent): RouteState => {
    const state = states.get(event);
    if (!state) throw new Error('frameRoute middleware did not run for this event');
    return state;
  };

  const parseFrameBefore = async (
    request: Request<WebSocketRouteEvent, RouteResponse | NoAnswer>,
  ): Promise<void> => {
    const { event } = request;
    const state: RouteState = { lang: DEFAULT_LANG };
    states.set(event, state);

    const caller = callerSchema.safeParse(event.requestContext.authorizer);
    if (!caller.success) throw new Error('authorizer context missing or malformed');
    state.lang = caller.data.lang;

    const body = readFrameBody(event.body);
    state.requestId = echoableRequestId(body.parsed);
    // Before anything else is read or checked: a flood of malformed frames is counted too (with
    // `countFrameInWrite`, by the route's write or right after the route, before its answer).
    const origin = {
      routeKey: event.requestContext.routeKey,
      sessionId: caller.data.sessionId,
      connectionId: event.requestContext.connectionId,
      sourceIp: sourceIpOf(event),
    };
    if (options.countFrameInWrite) {
      const frameCount = await limits.admitDeferred(origin, new Date());
      if (frameCount) state.frameCount = frameCount;
    } else await limits.admit(origin, new Date());
    if (body.oversized) {
      throw new ChatError('PAYLOAD_TOO_LARGE', {
        details: [{ field: 'frame', problem: `larger than ${MAX_FRAME_BYTES} bytes` }],
      });
    }
    if (body.parsed === undefined) throw badRequest([{ field: 'frame', problem: body.problem }]);
    const { routeKey } = event.requestContext;
    const authorized =
      routeKey === UNROUTED_KEY
        ? caller.data
        : await authorizeAction({ sessions }, routeKey, caller.data, event.requestContext.connectionId);
    // Staff as the pool says now: removed or disabled → refused, demoted → the lower role.
    const isStaff = authorized.role === 'operator' || authorized.role === 'senior';
    const actingCaller = isStaff && routeKey !== UNROUTED_KEY ? await staff.confirm(authorized) : authorized;
    const frame = schema.safeParse(body.parsed);
    if (!frame.success) throw badRequest(toDetails(frame.error));
    state.input = {
      frame: frame.data,
      caller: actingCaller,
      connectionId: event.requestContext.connectionId,
      ...(state.frameCount ? { frameCount: state.frameCount } : {}),
    };
  };

  const errorFrameOnError = async (
    request: Request<WebSocketRouteEvent, RouteResponse | NoAnswer>,
  ): Promise<void> => {
    // Never clobber a response another layer produced.
    if (request.response !== undefined) return;
    const state = states.get(request.event) ?? { lang: DEFAULT_LANG };
    logFailure(request.error, request.event);
    // One answer per request: the client has its answer already.
    if (state.answered) {
      request.response = { statusCode: 200 };
      return;
    }
    const error = await settledError(state.frameCount, request.error);
    const frame = toErrorFrame(error, state.lang, state.requestId);
    // Set, not returned: middy stops the onError chain at a returned value, and the middlewares
    // before this one (the metrics flush, the logger's context) must still run.
    request.response = { statusCode: 200, body: JSON.stringify(frame) };
  };

  return {
    middleware: { before: parseFrameBefore, onError: errorFrameOnError },
    input: (event) => {
      const { input } = stateOf(event);
      if (!input) throw new Error('frame was not parsed for this event');
      return input as RouteInput<z.output<S>>;
    },
    settle: async (event) => {
      await stateOf(event).frameCount?.settle();
    },
    answer: (event, frame) => ({ statusCode: 200, body: JSON.stringify(echo(stateOf(event), frame)) }),
    echo: (event, frame) => echo(stateOf(event), frame),
    answeredEarly: (event) => {
      stateOf(event).answered = true;
    },
  };
}

function echo<F extends RouteAnswer>(state: RouteState, frame: F): F {
  const { requestId } = state;
  const { type, ...fields } = frame;
  return (requestId === undefined ? { type, ...fields } : { type, requestId, ...fields }) as F;
}

/**
 * A failed frame that no write counted is counted now; over a limit, RATE_LIMITED is what it
 * answers. A counter that cannot be reached leaves the route's own error to answer.
 */
async function settledError(frameCount: DeferredFrameCount | undefined, error: unknown): Promise<unknown> {
  try {
    await frameCount?.settle();
    return error;
  } catch (refused) {
    if (refused instanceof ChatError) return refused;
    logger.error('frame not counted', { error: refused });
    return error;
  }
}

interface FrameBody {
  /** The frame as a JSON object; undefined when it is not JSON or not an object. */
  parsed: Record<string, unknown> | undefined;
  problem: 'not JSON' | 'not a JSON object';
  oversized: boolean;
}

/**
 * Parses even an oversized frame (API Gateway caps a message at 128 KB, so this stays cheap) so
 * that its error can still echo the requestId.
 */
function readFrameBody(body: string | undefined | null): FrameBody {
  const text = body ?? '';
  const oversized = Buffer.byteLength(text, 'utf8') > MAX_FRAME_BYTES;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { parsed: undefined, problem: 'not JSON', oversized };
  }
  const isObject = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed);
  return {
    parsed: isObject ? (parsed as Record<string, unknown>) : undefined,
    problem: 'not a JSON object',
    oversized,
  };
}

/** The client's address as API Gateway (and the local gateway) sees it. */
function sourceIpOf(event: WebSocketRouteEvent): string {
  const identity = (event.requestContext as { identity?: { sourceIp?: unknown } }).identity;
  return typeof identity?.sourceIp === 'string' && identity.sourceIp.length > 0
    ? identity.sourceIp
    : 'unknown';
}

/** Only a well-formed requestId is echoed, even on a BAD_REQUEST about another field. */
function echoableRequestId(body: Record<string, unknown> | undefined): string | undefined {
  const requestId = body?.requestId;
  return typeof requestId === 'string' && requestId.length > 0 && requestId.length <= 128
    ? requestId
    : undefined;
}

function logFailure(error: unknown, event: WebSocketRouteEvent): void {
  const where = { routeKey: event.requestContext.routeKey, connectionId: event.requestContext.connectionId };
  if (error instanceof ChatError) {
    // Client mistakes are expected traffic: the code and the field names are enough.
    logger.info('frame answered with an error', {
      ...where,
      code: error.code,
      fields: error.details?.map((detail) => detail.field),
    });
    return;
  }
  logger.error('route failed', { ...where, error });
}
