/**
 * Per-client limits (docs/protocol.md, "Limits per client"): how many connects, frames, handovers
 * (`operator.request`), code requests and form posts one connection, session, source address or
 * contact may make per window, and the counting keys that hold each to one conditional write.
 *
 * Fixed windows aligned to the epoch: a counter item per key and window, its attributes the counts
 * of the scopes it holds (an address and the sessions behind it; a session and its connections),
 * so one `UpdateItem` adds to all of them on the condition that none is at its limit. Over a
 * limit nothing is counted and `RATE_LIMITED` says when the window ends (`retryAfter`).
 */
import { ChatError } from './errors.ts';

/** At most `max` per `windowSeconds`. */
export interface Limit {
  max: number;
  windowSeconds: number;
}

/** Every limit; the defaults are in `functions/shared/config.ts` (and README). */
export interface ClientLimits {
  connectsPerIp: Limit;
  /** Reconnects of one session (a resume token, an operator's sign-in). */
  connectsPerSession: Limit;
  framesPerConnection: Limit;
  framesPerSession: Limit;
  /** Counted in memory per warm function instance: a first line, not a shared count. */
  framesPerIp: Limit;
  operatorRequestsPerSession: Limit;
  operatorRequestsPerIp: Limit;
  /** Per session and per destination, codes have their own limits (`functions/domain/identification.ts`). */
  codeRequestsPerIp: Limit;
  formPostsPerIp: Limit;
  formPostsPerContact: Limit;
}

/** One scope counted on a counter item: its attribute and limit. */
export interface CounterCheck {
  attribute: string;
  max: number;
}

/** What one counting asks for: the item (key and window) and the scopes it adds to. */
export interface Counting {
  key: string;
  windowSeconds: number;
  checks: CounterCheck[];
}

export type CountOutcome = { allowed: true } | { allowed: false; retryAfter: number };

/** Counts on shared counters: one conditional write per counting (`functions/adapters/dynamodb/rate-counter.ts`). */
export interface RateCounter {
  count(counting: Counting, now: Date): Promise<CountOutcome>;
}

/** The start of the window `now` is in, and the seconds until it ends (at least 1). */
export function windowOf(now: Date, windowSeconds: number): { start: number; secondsLeft: number } {
  const seconds = Math.floor(now.getTime() / 1000);
  const start = seconds - (seconds % windowSeconds);
  return { start, secondsLeft: Math.max(1, start + windowSeconds - seconds) };
}

/** `RATE_LIMITED` with the seconds until the window ends. */
export function rateLimited(retryAfter: number): ChatError {
  return new ChatError('RATE_LIMITED', { retryAfter });
}

/** Attribute names are DynamoDB-safe whatever the id: counted by position, named by kind. */
const sessionAttribute = (sessionId: string) => `s_${sessionId}`;
const connectionAttribute = (connectionId: string) => `c_${connectionId}`;

/** A connect: per source address, and per session when it resumes one (a guest's is new). */
export function connectCounting(limits: ClientLimits, ip: string, sessionId?: string): Counting {
  return {
    key: `connect#${ip}`,
    // One item per address and window: both limits share the window of the address's.
    windowSeconds: limits.connectsPerIp.windowSeconds,
    checks: [
      { attribute: 'n', max: limits.connectsPerIp.max },
      ...(sessionId === undefined
        ? []
        : [{ attribute: sessionAttribute(sessionId), max: limits.connectsPerSession.max }]),
    ],
  };
}

/** A frame: per session, and per connection of it (one item per session and window). */
export function frameCounting(limits: ClientLimits, sessionId: string, connectionId: string): Counting {
  return {
    key: `frames#${sessionId}`,
    windowSeconds: limits.framesPerSession.windowSeconds,
    checks: [
      { attribute: 'n', max: limits.framesPerSession.max },
      { attribute: connectionAttribute(connectionId), max: limits.framesPerConnection.max },
    ],
  };
}

/** The costly actions counted besides the frame: `operator.request` and `auth.requestCode`. */
export type CountedAction = 'operator.request' | 'auth.requestCode';

export function isCountedAction(routeKey: string): routeKey is CountedAction {
  return routeKey === 'operator.request' || routeKey === 'auth.requestCode';
}

/**
 * A costly action per source address, and (`operator.request`) per session behind it: one item per
 * address and window. Code requests are limited per session and destination by identification.
 */
export function actionCounting(
  limits: ClientLimits,
  action: CountedAction,
  ip: string,
  sessionId: string,
): Counting {
  if (action === 'auth.requestCode') {
    return {
      key: `${action}#${ip}`,
      windowSeconds: limits.codeRequestsPerIp.windowSeconds,
      checks: [{ attribute: 'n', max: limits.codeRequestsPerIp.max }],
    };
  }
  return {
    key: `${action}#${ip}`,
    windowSeconds: limits.operatorRequestsPerIp.windowSeconds,
    checks: [
      { attribute: 'n', max: limits.operatorRequestsPerIp.max },
      { attribute: sessionAttribute(sessionId), max: limits.operatorRequestsPerSession.max },
    ],
  };
}

/** A form post per source address. */
export function formPostCountingByIp(limits: ClientLimits, ip: string): Counting {
  return {
    key: `feedback#ip#${ip}`,
    windowSeconds: limits.formPostsPerIp.windowSeconds,
    checks: [{ attribute: 'n', max: limits.formPostsPerIp.max }],
  };
}

/** A form post per contact (its keyed hash: the contact itself is never a key). */
export function formPostCountingByContact(limits: ClientLimits, contactId: string): Counting {
  return {
    key: `feedback#contact#${contactId}`,
    windowSeconds: limits.formPostsPerContact.windowSeconds,
    checks: [{ attribute: 'n', max: limits.formPostsPerContact.max }],
  };
}

/**
 * Counts in memory, per function instance: the per-address frame limit (every frame would
 * otherwise cost a second write) and a refusal remembered until its window ends, so a client over
 * a limit costs no write at all while it keeps trying.
 */
export class InstanceCounters {
  private readonly counts = new Map<string, number>();
  private readonly blocked = new Map<string, number>();
  private window = -1;

  /** Adds one to `key` in this instance's window of `limit`; `RATE_LIMITED` over it. */
  take(key: string, limit: Limit, now: Date): CountOutcome {
    const { start, secondsLeft } = windowOf(now, limit.windowSeconds);
    if (start !== this.window) {
      this.counts.clear();
      this.window = start;
    }
    const count = (this.counts.get(key) ?? 0) + 1;
    if (count > limit.max) return { allowed: false, retryAfter: secondsLeft };
    this.counts.set(key, count);
    return { allowed: true };
  }

  /** The seconds left of a refusal of `key` this instance remembers, if any. */
  blockedFor(key: string, now: Date): number | undefined {
    const until = this.blocked.get(key);
    if (until === undefined) return undefined;
    const left = Math.ceil((until - now.getTime()) / 1000);
    if (left > 0) return left;
    this.blocked.delete(key);
    return undefined;
  }

  block(key: string, retryAfter: number, now: Date): void {
    if (this.blocked.size > 10_000) this.blocked.clear();
    this.blocked.set(key, now.getTime() + retryAfter * 1000);
  }
}

/** How an instance remembers a refused counting. */
function memoryKeyOf(counting: Counting): string {
  return `${counting.key}|${counting.checks.map((c) => c.attribute).join('|')}`;
}

/**
 * A counting on the shared counter, with this instance's memory of refusals in front: a client
 * refused in this window is refused again without a write.
 */
export async function countShared(
  counter: RateCounter,
  instance: InstanceCounters,
  counting: Counting,
  now: Date,
): Promise<CountOutcome> {
  const memoryKey = memoryKeyOf(counting);
  const left = instance.blockedFor(memoryKey, now);
  if (left !== undefined) return { allowed: false, retryAfter: left };
  const outcome = await counter.count(counting, now);
  if (!outcome.allowed) instance.block(memoryKey, outcome.retryAfter, now);
  return outcome;
}

/**
 * A frame's count on the shared counter, carried by the route's own write instead of a write of its
 * own (`message.send`: the counter's `UpdateItem` joins the message's transaction, with the same
 * condition, so the limit holds across instances exactly as before). Whatever the route does not
 * count in a write — a bad frame, a resend answered with its stored ack, an error — `settle` counts on
 * its own afterwards, so every frame is still counted once.
 */
export class DeferredFrameCount {
  private settled = false;

  constructor(
    private readonly counter: RateCounter,
    private readonly instance: InstanceCounters,
    readonly counting: Counting,
    readonly now: Date,
  ) {}

  /** The route's write committed with the counter in it. */
  countedInWrite(): void {
    this.settled = true;
  }

  /** The route's write was refused by the counter's condition: `RATE_LIMITED`, remembered as any refusal. */
  refusedInWrite(): ChatError {
    this.settled = true;
    const { secondsLeft } = windowOf(this.now, this.counting.windowSeconds);
    this.instance.block(memoryKeyOf(this.counting), secondsLeft, this.now);
    return rateLimited(secondsLeft);
  }

  /** Counts the frame on its own unless a write did; `RATE_LIMITED` when over a limit. */
  async settle(): Promise<void> {
    if (this.settled) return;
    this.settled = true;
    const outcome = await countShared(this.counter, this.instance, this.counting, this.now);
    if (!outcome.allowed) throw rateLimited(outcome.retryAfter);
  }
}

/** The frame being counted: its route and who sent it from where. */
export interface FrameOrigin {
  routeKey: string;
  sessionId: string;
  connectionId: string;
  /** `requestContext.identity.sourceIp`; unknown: counted under `unknown`. */
  sourceIp: string;
}

/**
 * The limits of every frame, in `frameRoute` before the frame is read: per source address in this
 * instance's memory; per session and connection on the shared counter (one write), plus one more
 * for the costly actions (`operator.request`, `auth.requestCode`) per address. Without a shared
 * counter (routes that store and read nothing, `suggest` and unknown actions) the session and
 * connection are counted in memory too. Over a limit: `RATE_LIMITED` with `retryAfter`.
 */
export class FrameLimiter {
  constructor(
    private readonly limits: ClientLimits,
    private readonly counter: RateCounter | undefined,
    private readonly instance = new InstanceCounters(),
  ) {}

  /**
   * Like `admit` for a route that counts the frame in its own write (see {@link DeferredFrameCount}):
   * the per-address limit and the refusals this instance remembers are checked now; the count on
   * the shared counter is what it returns. Without a shared counter, the same as `admit`.
   */
  async admitDeferred(frame: FrameOrigin, now: Date): Promise<DeferredFrameCount | undefined> {
    if (this.counter === undefined || isCountedAction(frame.routeKey)) {
      await this.admit(frame, now);
      return undefined;
    }
    this.takeByIp(frame, now);
    const counting = frameCounting(this.limits, frame.sessionId, frame.connectionId);
    const left = this.instance.blockedFor(memoryKeyOf(counting), now);
    if (left !== undefined) throw rateLimited(left);
    return new DeferredFrameCount(this.counter, this.instance, counting, now);
  }

  private takeByIp(frame: FrameOrigin, now: Date): void {
    const byIp = this.instance.take(`ip#${frame.sourceIp}`, this.limits.framesPerIp, now);
    if (!byIp.allowed) throw rateLimited(byIp.retryAfter);
  }

  async admit(frame: FrameOrigin, now: Date): Promise<void> {
    const { limits, instance } = this;
    this.takeByIp(frame, now);
    if (this.counter === undefined) {
      for (const [key, limit] of [
        [`session#${frame.sessionId}`, limits.framesPerSession],
        [`connection#${frame.connectionId}`, limits.framesPerConnection],
      ] as const) {
        const outcome = instance.take(key, limit, now);
        if (!outcome.allowed) throw rateLimited(outcome.retryAfter);
      }
      return;
    }
    const counted = await countShared(
      this.counter,
      instance,
      frameCounting(limits, frame.sessionId, frame.connectionId),
      now,
    );
    if (!counted.allowed) throw rateLimited(counted.retryAfter);
    if (!isCountedAction(frame.routeKey)) return;
    const action = await countShared(
      this.counter,
      instance,
      actionCounting(limits, frame.routeKey, frame.sourceIp, frame.sessionId),
      now,
    );
    if (!action.allowed) throw rateLimited(action.retryAfter);
  }
}
