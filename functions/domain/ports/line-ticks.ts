/**
 * The port of the line tick (`use-cases/places-in-line.ts`): the claims that make a period's tick
 * scheduled once and run once, whoever asks and however often SQS delivers it, and what the last
 * tick told (so the next one tells only what changed).
 */

/** What the last tick told: the `queue.stats` numbers and each waiting citizen's place. */
export interface LineTold {
  /** The period of the tick that told it (ISO). */
  periodStart: string;
  /** The `queue.stats` numbers as pushed (`byQueue`, serialized). */
  stats: string;
  /** `position:eta` told to each waiting conversation, by conversation id. */
  places: Record<string, string>;
}

export interface LineTicks {
  /** Claims the scheduling of the tick of `periodStart`: true for exactly one caller per period. */
  claimSchedule(periodStart: string, now: Date): Promise<boolean>;
  /** Gives up a claim whose tick could not be scheduled, so that the next request may. */
  releaseSchedule(periodStart: string): Promise<void>;
  /** Claims the running of the tick of `periodStart`: true once, whatever delivers it again. */
  claimRun(periodStart: string, now: Date): Promise<boolean>;
  /** What the last tick told; undefined before the first. */
  lastTold(): Promise<LineTold | undefined>;
  /** Records what a tick told, unless a later period's tick recorded already. */
  saveTold(told: LineTold, now: Date): Promise<void>;
}
