/**
 * `$disconnect` of an operator: only the last connection starts the grace timer, with the
 * disconnect it is for. In-memory ports; the grace itself runs end to end in test/integration/assignment.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { TimerMessage } from '#events/timers.ts';
import type { Connection } from '../sessions.ts';
import { noteOperatorDisconnect } from './note-operator-disconnect.ts';

const NOW = new Date('2026-11-25T10:00:00.000Z');

function fakeDeps(open: string[], known = true) {
  const timers: { timer: TimerMessage; delaySeconds: number }[] = [];
  const marked: string[] = [];
  return {
    timers,
    marked,
    deps: {
      connections: {
        save: async () => undefined,
        delete: async () => undefined,
        listByPrincipal: async (principalId: string) =>
          open.map((connectionId) => ({ connectionId, principalId, role: 'operator' }) as Connection),
      },
      operators: {
        markDisconnected: async (operatorId: string, at: string) => {
          marked.push(`${operatorId}@${at}`);
          return known;
        },
      },
      timers: {
        schedule: async (timer: TimerMessage, delaySeconds: number) =>
          void timers.push({ timer, delaySeconds }),
      },
      clock: { now: () => NOW },
      graceSeconds: 60,
    },
  };
}

describe('an operator disconnecting', () => {
  it('starts the grace timer when it was their last connection, naming this disconnect', async () => {
    // Prepare: the index may still list the connection that just closed.
    const { deps, timers, marked } = fakeDeps(['c-1']);

    // Act
    const outcome = await noteOperatorDisconnect(deps, {
      connectionId: 'c-1',
      principalId: 'op-1',
      role: 'operator',
    });

    // Assess
    expect(outcome).toBe('grace_started');
    expect(marked).toEqual(['op-1@2026-11-25T10:00:00.000Z']);
    expect(timers).toEqual([
      {
        timer: {
          kind: 'operator.grace',
          operatorId: 'op-1',
          disconnectedAt: '2026-11-25T10:00:00.000Z',
          dueAt: '2026-11-25T10:01:00.000Z',
        },
        delaySeconds: 60,
      },
    ]);
  });

  it('does nothing while another console of theirs is open', async () => {
    const { deps, timers, marked } = fakeDeps(['c-1', 'c-2']);
    const outcome = await noteOperatorDisconnect(deps, {
      connectionId: 'c-1',
      principalId: 'op-1',
      role: 'senior',
    });
    expect(outcome).toBe('not_last');
    expect(timers).toEqual([]);
    expect(marked).toEqual([]);
  });

  it('does nothing for a citizen, or an operator who never said operator.status', async () => {
    const citizen = fakeDeps([]);
    expect(
      await noteOperatorDisconnect(citizen.deps, { connectionId: 'c-1', principalId: 's-1', role: 'guest' }),
    ).toBe('not_operator');
    const unknown = fakeDeps([], false);
    expect(
      await noteOperatorDisconnect(unknown.deps, {
        connectionId: 'c-1',
        principalId: 'op-9',
        role: 'operator',
      }),
    ).toBe('not_operator');
    expect([...citizen.timers, ...unknown.timers]).toEqual([]);
  });
});
