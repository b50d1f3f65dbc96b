import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMfcDirectory } from '#adapters/mfc-directory.ts';
import { listOffices } from './mfc-visits.ts';

const directory = loadMfcDirectory(
  join(import.meta.dirname, '..', '..', '..', 'layers', 'knowledge-base', 'mfc'),
);

describe('the office list (mfc.offices)', () => {
  it('tells each office’s today on its own clock: one instant is still 4 November in Moscow and already the 5th in Vladivostok', () => {
    // Prepare: 2026-11-04 20:30 UTC is 23:30 of Unity Day in Moscow, 07:30 on the 5th in Vladivostok.
    const now = new Date('2026-11-04T20:30:00Z');

    // Act
    const moscow = listOffices(directory, { city: 'Москва' }, 'ru', now)[0];
    const vladivostok = listOffices(directory, { city: 'vladivostok' }, 'en', now)[0];

    // Assess
    expect(moscow?.today).toEqual({
      date: '2026-11-04',
      hours: 'не работает (День народного единства)',
      openNow: false,
    });
    expect(vladivostok?.today).toMatchObject({ date: '2026-11-05', openNow: false });
    expect(vladivostok?.today.hours).toMatch(/^open \d{2}:\d{2}–/);
  });

  it('says an office is open now during its hours', () => {
    // 11:30 in Vladivostok on a Thursday.
    const [office] = listOffices(directory, { city: 'Владивосток' }, 'ru', new Date('2026-11-05T01:30:00Z'));
    expect(office?.today).toMatchObject({ date: '2026-11-05', openNow: true });
    expect(office?.today.hours).toMatch(/^работает /);
  });
});
