/** The process's clock, id source and timer, behind the domain's ports so use cases stay testable. */
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { Clock, IdGenerator, Sleeper } from '#domain/ports/system.ts';

export const systemClock: Clock = { now: () => new Date() };

export const randomIds: IdGenerator = { newId: () => randomUUID() };

export const timerSleeper: Sleeper = { sleep: (ms) => delay(ms).then(() => undefined) };
