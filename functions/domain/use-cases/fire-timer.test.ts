/**
 * The timers' rules that need no storage: a timer due past SQS's 15-minute delay is sent again for
 * the rest, and a timer whose moment has passed (the conversation was taken, the operator came back)
 * changes nothing, a lease renewed meanwhile is watched again, and a first reply is counted as missed
 * only when the operator who accepted has not replied since. In-memory ports; the storage side is
 * covered by the integration tests (test/integration/presence.test.ts among them).
 */
import { describe, expect, it } from 'vitest';
import type { TimerMessage } from '#events/timers.ts';
import type { Conversation } from '../conversations.ts';
import type { Operator } from '../operator-roster.ts';
import type { FireTimerDeps } from './fire-timer.ts';
import { fireTimer } from './fire-timer.ts';

const NOW = new Date('2026-11-25T10:00:00.000Z');

function fakeDeps(state: {
  conversation?: Partial<Conversation>;
  connections?: number;
  operator?: Partial<Operator>;
}) {
  const scheduled: { timer: TimerMessage; delaySeconds: number }[] = [];
  const touched: string[] = [];
  const deps = {
    clock: { now: () => NOW },
    settings: { operatorGraceSeconds: 60 },
    metrics: {
      missedFirstReply: (queue: string) => touched.push(`missedFirstReply:${queue}`),
      missedAssignment: (queue: string) => touched.push(`missedAssignment:${queue}`),
    },
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
      get: async () => state.operator as Operator | undefined,
      markOfflineAfterGrace: async () => {
        touched.push('markOffline');
        return undefined;
      },
      markOfflineAfterLapse: async () => {
        touched.push('markOfflineAfterLapse');
        return undefined;
      },
      setAway: async () => {
        touched.push('setAway');
        return undefined;
      },
    },
    store: {
      place: async () => {
        touched.push('place');
        return { status: 'not_movable' as const };
      },
      markFirstReplyChecked: async () => {
        touched.push('markFirstReplyChecked');
        return true;
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

  it('sends the lease watch again for the renewed lease’s end plus the grace period, doing nothing else', async () => {
    // Prepare: the lease was renewed to 45 s from now since the timer was sent.
    const leaseUntil = new Date(NOW.getTime() + 45_000).toISOString();
    const { deps, scheduled, touched } = fakeDeps({
      operator: { operatorId: 'op-1', status: 'online', leaseWatch: 'w-1', leaseUntil },
    });

    // Act
    const outcome = await fireTimer(deps, {
      kind: 'operator.lease',
      operatorId: 'op-1',
      watchId: 'w-1',
      dueAt: NOW.toISOString(),
    });

    // Assess
    expect(outcome).toEqual({ kind: 'operator.lease', status: 'rescheduled' });
    expect(scheduled).toEqual([
      {
        timer: {
          kind: 'operator.lease',
          operatorId: 'op-1',
          watchId: 'w-1',
          dueAt: new Date(NOW.getTime() + 105_000).toISOString(),
        },
        delaySeconds: 105,
      },
    ]);
    expect(touched).toEqual([]);
  });

  it('ends a lease watch that a later operator.status replaced, or of an operator already offline holding nothing', async () => {
    // Prepare
    const lapsed = new Date(NOW.getTime() - 120_000).toISOString();
    const replaced = fakeDeps({
      operator: { operatorId: 'op-1', status: 'online', leaseWatch: 'w-2', leaseUntil: lapsed },
    });
    const offline = fakeDeps({
      operator: { operatorId: 'op-1', status: 'offline', leaseWatch: 'w-1', leaseUntil: lapsed },
    });
    const timer: TimerMessage = { kind: 'operator.lease', operatorId: 'op-1', watchId: 'w-1', dueAt: lapsed };

    // Act
    const outcomes = [await fireTimer(replaced.deps, timer), await fireTimer(offline.deps, timer)];

    // Assess
    expect(outcomes).toEqual([
      { kind: 'operator.lease', status: 'stale' },
      { kind: 'operator.lease', status: 'stale' },
    ]);
    expect([...replaced.scheduled, ...offline.scheduled]).toEqual([]);
    expect([...replaced.touched, ...offline.touched]).toEqual([]);
  });

  it('leaves an accepted assignment, and one that moved on to another operator, where it is when the accept timer fires', async () => {
    // Prepare
    const assignedAt = new Date(NOW.getTime() - 20_000).toISOString();
    const accepted = fakeDeps({
      conversation: {
        conversationId: 'c-1',
        state: 'operator',
        operatorId: 'op-1',
        assignedAt,
        acceptedAt: assignedAt,
      },
    });
    const reassigned = fakeDeps({
      conversation: { conversationId: 'c-1', state: 'operator', operatorId: 'op-2', assignedAt },
    });
    const timer: TimerMessage = {
      kind: 'assignment.accept',
      conversationId: 'c-1',
      operatorId: 'op-1',
      assignedAt,
      dueAt: NOW.toISOString(),
    };

    // Act
    const outcomes = [await fireTimer(accepted.deps, timer), await fireTimer(reassigned.deps, timer)];

    // Assess
    expect(outcomes).toEqual([
      { kind: 'assignment.accept', status: 'stale' },
      { kind: 'assignment.accept', status: 'stale' },
    ]);
    expect([...accepted.touched, ...reassigned.touched]).toEqual([]);
  });

  it('counts a missed first reply when the operator who accepted has not replied since, and not when they have', async () => {
    // Prepare
    const acceptedAt = new Date(NOW.getTime() - 60_000).toISOString();
    const held = {
      conversationId: 'c-1',
      state: 'operator',
      operatorId: 'op-1',
      assignedQueue: 'auth',
      acceptedAt,
    } as const;
    const silent = fakeDeps({
      // A reply of the operator before them does not count.
      conversation: { ...held, lastOperatorReplyAt: new Date(NOW.getTime() - 90_000).toISOString() },
    });
    const replied = fakeDeps({
      conversation: { ...held, lastOperatorReplyAt: new Date(NOW.getTime() - 30_000).toISOString() },
    });
    const timer: TimerMessage = {
      kind: 'assignment.firstReply',
      conversationId: 'c-1',
      operatorId: 'op-1',
      acceptedAt,
      dueAt: NOW.toISOString(),
    };

    // Act
    const outcomes = [await fireTimer(silent.deps, timer), await fireTimer(replied.deps, timer)];

    // Assess
    expect(outcomes).toEqual([
      { kind: 'assignment.firstReply', status: 'missed' },
      { kind: 'assignment.firstReply', status: 'replied' },
    ]);
    expect(silent.touched).toEqual(['markFirstReplyChecked', 'missedFirstReply:auth']);
    expect(replied.touched).toEqual([]);
  });
});
