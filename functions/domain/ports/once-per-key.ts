/**
 * The port of work that must happen once per key whatever replays its trigger: a notification to a
 * citizen (push, SMS, e-mail) when a stream record is delivered again or a Lambda is retried, a
 * one-time code when the same `auth.requestCode` frame comes twice (docs/architecture.md,
 * "Notifications"). The adapter keeps the keys in IdempotencyTable (functions/adapters/dynamodb/once-per-key.ts).
 */

/** What a run under a key answers: the work's result, and whether it was done before (the stored result). */
export interface OnceOutcome<T> {
  result: T;
  repeated: boolean;
}

export interface OncePerKey {
  /**
   * Claims `key` and does `work`, unless a run under `key` completed (then answers that run's stored
   * result, `repeated`, and does nothing). The claim is an in-flight lease longer than any send may
   * take: work that throws releases the key at once (a retry does it again); a run that dies holding
   * the key (a crash, a timeout) leaves it until the lease lapses, and the next run after that does
   * the work. So a notification is never lost to a crash, and is sent twice only when the process
   * dies between the provider taking it and the key being marked done.
   *
   * `parse` reads a stored result back (it was stored by an earlier run, perhaps of older code).
   * Throws {@link WorkInProgressError} while another live run holds the key.
   */
  run<T extends OnceResult>(
    key: string,
    work: () => Promise<T>,
    parse: (stored: unknown) => T,
  ): Promise<OnceOutcome<T>>;
}

/** What a run may answer: it is stored with the key (JSON) and answered to a repeat. */
export type OnceResult =
  | string
  | number
  | boolean
  | { [field: string]: OnceResult | undefined }
  | OnceResult[];

/** Another run holds the key and its lease has not lapsed: retry later. */
export class WorkInProgressError extends Error {
  constructor() {
    super('another run holds this key');
    this.name = 'WorkInProgressError';
  }
}
