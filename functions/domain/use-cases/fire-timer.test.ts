/**
 * The timers' rules that need no storage: a timer due past SQS's 15-minute delay is sent again for
 * the rest, and a timer whose moment has passed (the conversation was taken, the operator came back)
 * changes nothing. In-memory ports; the storage side is covered by the integration tests.
 */
import { describe, expect, it } from 'vitest';
import type { TimerMessage } from '#events/timers.ts';
import type { Conversation } from '../conversations.ts';
import type { FireTimerDeps } from './fire-timer.ts';
import { fireTimer } from './fire-timer.ts';

const NOW = new Date('2026-11-25T10:00:00.000Z');

function fakeDeps(state: { conversation?: Partial<Conversation>; connections?: number }) {
  const scheduled: { timer: TimerMessage; delaySeconds: number }[] = [];
  const touched: string[] = [];
  const deps = {
    clock: { now: () => NOW },
    timers: {
      schedule: async (timer: TimerMessage, delaySeconds: number) => {
        scheduled.push({ timer, delaySeconds });
      },
    },
    conversations: {
      get: async () => state.conversation as Conversation | undefined,
    },
    connections: {
      listByPrincipal: async () =>
        Array.from({ length: state.connections ?? 0 }, (_, i) => ({
          connectionId: `c${i}`,
          role: 'operator',
        })),
    },
    operators: {
      markOfflineAfterGrace: async () => {
        touched.push('markOffline');
        return undefined;
      },
    },
    store: {
      place: async () => {
        touched.push('place');
        return { status: 'not_movable' as const };
      },
    },
  } as unknown as FireTimerDeps;
  return { deps, scheduled, touched };
}

describe('the timer queue', () => {
  it('sends a timer due in 2000 s again for 900 s (SQS delays stop at 15 minutes), doing nothing else', async () => {
    // Prepare
    const { deps, scheduled, touched } = fakeDeps({});
    const timer: TimerMessage = {
      kind: 'sla.assign',
      conversationId: 'c-1',
      entryId: 'e-1',
      dueAt: new Date(NOW.getTime() + 2_000_000).toISOString(),
    };

    // Act
    const outcome = await fireTimer(deps, timer);

    // Assess
    expect(outcome).toEqual({ kind: 'sla.assign', status: 'rescheduled' });
    expect(scheduled).toEqual([{ timer, delaySeconds: 900 }]);
    expect(touched).toEqual([]);
  });

  it('does nothing when the SLA timer of an entry fires after the conversation left it', async () => {
    // Prepare
    const { deps, scheduled, touched } = fakeDeps({
      conversation: { conversationId: 'c-1', state: 'queued', queue: 'auth', queueEntryId: 'e-2' },
    });

    // Act
    const outcome = await fireTimer(deps, {
      kind: 'sla.assign',
      conversationId: 'c-1',
      entryId: 'e-1',
      dueAt: NOW.toISOString(),
    });

    // Assess
    expect(outcome).toEqual({ kind: 'sla.assign', status: 'stale' });
    expect(scheduled).toEqual([]);
    expect(touched).toEqual([]);
  });

  it('leaves an operator who came back within the grace period alone', async () => {
    // Prepare
    const { deps, touched } = fakeDeps({ connections: 1 });

    // Act
    const outcome = await fireTimer(deps, {
      kind: 'operator.grace',
      operatorId: 'op-1',
      disconnectedAt: new Date(NOW.getTime() - 60_000).toISOString(),
      dueAt: NOW.toISOString(),
    });

    // Assess
    expect(outcome).toEqual({ kind: 'operator.grace', status: 'stale' });
    expect(touched).toEqual([]);
  });
});
