/**
 * The ports of the system the domain runs on: time, ids and waiting, so tests can fix them.
 */

export interface Clock {
  now(): Date;
}

export interface IdGenerator {
  newId(): string;
}

export interface Sleeper {
  sleep(ms: number): Promise<void>;
}
