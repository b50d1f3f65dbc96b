import { describe, expect, it } from 'vitest';
import { frameCounting, InstanceCounters, windowOf } from './client-limits.ts';

const at = (iso: string) => new Date(iso);
const minute = { max: 2, windowSeconds: 60 };

describe('windows of the per-client limits', () => {
  it('aligns a window to the clock and says how many seconds are left of it, at least 1', () => {
    expect(windowOf(at('2026-12-02T10:00:15Z'), 60)).toEqual({
      start: at('2026-12-02T10:00:00Z').getTime() / 1000,
      secondsLeft: 45,
    });
    expect(windowOf(at('2026-12-02T10:00:59.900Z'), 60).secondsLeft).toBe(1);
  });
});

describe("an instance's own counts", () => {
  it('refuses the count past the limit until the window ends, then counts afresh', () => {
    // Prepare
    const counters = new InstanceCounters();

    // Act
    const inWindow = [1, 2, 3].map(() => counters.take('ip#10.0.0.1', minute, at('2026-12-02T10:00:50Z')));
    const otherKey = counters.take('ip#10.0.0.2', minute, at('2026-12-02T10:00:50Z'));
    const nextWindow = counters.take('ip#10.0.0.1', minute, at('2026-12-02T10:01:00Z'));

    // Assess
    expect(inWindow).toEqual([{ allowed: true }, { allowed: true }, { allowed: false, retryAfter: 10 }]);
    expect(otherKey).toEqual({ allowed: true });
    expect(nextWindow).toEqual({ allowed: true });
  });

  it('remembers a refusal of the shared counter until its window ends', () => {
    // Prepare
    const counters = new InstanceCounters();
    counters.block('frames#s-1|n|c_c-1', 10, at('2026-12-02T10:00:50Z'));

    // Act / Assess
    expect(counters.blockedFor('frames#s-1|n|c_c-1', at('2026-12-02T10:00:55Z'))).toBe(5);
    expect(counters.blockedFor('frames#s-1|n|c_c-2', at('2026-12-02T10:00:55Z'))).toBeUndefined();
    expect(counters.blockedFor('frames#s-1|n|c_c-1', at('2026-12-02T10:01:00Z'))).toBeUndefined();
  });
});

describe('what a frame counts', () => {
  it("adds to its session's count and its connection's on one item, each with its own limit", () => {
    const limits = {
      framesPerSession: { max: 240, windowSeconds: 60 },
      framesPerConnection: { max: 120, windowSeconds: 60 },
    } as Parameters<typeof frameCounting>[0];
    expect(frameCounting(limits, 's-1', 'c-1')).toEqual({
      key: 'frames#s-1',
      windowSeconds: 60,
      checks: [
        { attribute: 'n', max: 240 },
        { attribute: 'c_c-1', max: 120 },
      ],
    });
  });
});
