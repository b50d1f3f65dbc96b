import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMfcDirectory } from '#adapters/mfc-directory.ts';
import { instantOf, officeDay, openStateAt, slotTimes } from './opening-hours.ts';

const directory = loadMfcDirectory(
  join(import.meta.dirname, '..', '..', '..', 'layers', 'knowledge-base', 'mfc'),
);
const office = (id: string) => {
  const found = directory.office(id);
  if (!found) throw new Error(`no office ${id}`);
  return found;
};

describe('opening hours in the office’s own time zone', () => {
  it('answers one instant differently in Moscow, Novosibirsk and Vladivostok', () => {
    // 2026-11-05 01:30 UTC: 04:30 in Moscow, 08:30 in Novosibirsk, 11:30 in Vladivostok.
    const instant = new Date('2026-11-05T01:30:00Z');
    expect(openStateAt(directory, office('msk-tverskoy'), instant)).toMatchObject({
      status: 'closed',
      next: { day: { date: '2026-11-05' }, opensAt: '08:00' },
    });
    expect(openStateAt(directory, office('nsk-krasny'), instant)).toMatchObject({
      status: 'open',
      until: '20:00',
    });
    expect(openStateAt(directory, office('vvo-svetlanskaya'), instant)).toMatchObject({
      status: 'open',
      until: '13:00',
    });
  });

  it('is on a break between the intervals of the day', () => {
    // 13:30 in Kaliningrad (UTC+2).
    expect(openStateAt(directory, office('kgd-central'), new Date('2026-11-05T11:30:00Z'))).toMatchObject({
      status: 'break',
      reopensAt: '14:00',
    });
  });

  it('is closed across a holiday and names it, then opens the day after', () => {
    // 01:00 on 4 November (Unity Day) in Novosibirsk.
    const state = openStateAt(directory, office('nsk-krasny'), new Date('2026-11-03T18:00:00Z'));
    expect(state).toMatchObject({
      status: 'closed',
      today: { date: '2026-11-04', intervals: [], closedFor: { ru: 'День народного единства' } },
      next: { day: { date: '2026-11-05' }, opensAt: '08:00' },
    });
  });

  it('shortens the day before a holiday by the region’s minutes', () => {
    expect(officeDay(directory, office('nsk-krasny'), '2026-11-03').intervals).toEqual([
      { open: '08:00', close: '19:00' },
    ]);
    expect(officeDay(directory, office('msk-arbat'), '2026-12-31')).toMatchObject({
      intervals: [{ open: '08:00', close: '16:00' }],
      shortenedBy: 240,
    });
  });

  it('keeps a regional holiday to its region', () => {
    expect(officeDay(directory, office('kzn-baumana'), '2026-11-06').closedFor?.en).toBe(
      'Tatarstan Constitution Day',
    );
    expect(officeDay(directory, office('msk-arbat'), '2026-11-06').intervals).toHaveLength(1);
  });

  it('turns an office’s wall clock into an instant and lays out slots that skip the break', () => {
    expect(instantOf('2026-12-10', '09:00', 'Asia/Vladivostok').toISOString()).toBe(
      '2026-12-09T23:00:00.000Z',
    );
    const day = officeDay(directory, office('kgd-sovetsk'), '2026-12-10');
    const slots = slotTimes(day, 30);
    expect(slots).toContain('12:30');
    expect(slots).not.toContain('13:00');
    expect(slots).toContain('14:00');
    expect(slots.at(-1)).toBe('17:30');
  });
});
