/**
 * The port of the timer queue: a timer is a message delivered after a delay, a signal one
 * delivered at once (`events/timers.ts`).
 */
import type { TimerMessage } from '#events/timers.ts';

/** SQS's longest message delay: a timer due later is sent again for the rest. */
export const MAX_TIMER_DELAY_SECONDS = 900;

/** The timer queue: delayed messages are the timers, undelayed ones wake the assignment. */
export interface TimerQueue {
  schedule(timer: TimerMessage, delaySeconds: number): Promise<void>;
}
