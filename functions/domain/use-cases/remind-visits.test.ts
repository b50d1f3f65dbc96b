import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMfcDirectory } from '#adapters/mfc-directory.ts';
import type { Visit } from '../mfc/visits.ts';
import { visitReminder } from './remind-visits.ts';

const directory = loadMfcDirectory(
  join(import.meta.dirname, '..', '..', '..', 'layers', 'knowledge-base', 'mfc'),
);

// A visit in Vladivostok (UTC+10) on Thursday 10 December 2026 at 10:00 local time.
const visit: Visit = {
  number: 'V-0000ABCD',
  citizenId: 'citizen-1',
  officeId: 'vvo-okeansky',
  serviceId: 'oms.policy',
  date: '2026-12-10',
  time: '10:00',
  startsAt: '2026-12-10T00:00:00.000Z',
  status: 'booked',
  bookedAt: '2026-12-01T00:00:00.000Z',
  lang: 'ru',
};

describe('the wording of a visit reminder', () => {
  it('says «завтра» when the visit is the next day on the office’s calendar', () => {
    // Prepare: 9 December 12:00 in Vladivostok (02:00 UTC).
    const now = new Date('2026-12-09T02:00:00Z');
    // Act
    const notice = visitReminder(directory, visit, 'ru', now);
    // Assess
    expect(notice.title).toBe('Визит в МФЦ завтра');
    expect(notice.text).toMatch(/^Завтра, 10 декабря, четверг, в 10:00 \(время местное\)/);
    expect(notice.text).toContain('Запись V-0000ABCD');
  });

  it('says «сегодня» when the office’s day has already turned, although UTC is still the day before', () => {
    // 10 December 07:00 in Vladivostok is 9 December 21:00 UTC.
    const notice = visitReminder(directory, visit, 'ru', new Date('2026-12-09T21:00:00Z'));
    expect(notice.title).toBe('Визит в МФЦ сегодня');
    expect(notice.text).toMatch(/^Сегодня, 10 декабря, четверг, в 10:00/);
  });

  it('names the date, not «завтра», for a visit further ahead (a shortened reminder lead)', () => {
    const notice = visitReminder(directory, visit, 'ru', new Date('2026-12-06T02:00:00Z'));
    expect(notice.title).toBe('Визит в МФЦ 10 декабря');
    expect(notice.title).not.toContain('завтра');
    expect(notice.text).toMatch(/^10 декабря, четверг, в 10:00/);
  });

  it('words it in English the same way', () => {
    expect(visitReminder(directory, visit, 'en', new Date('2026-12-09T02:00:00Z'))).toMatchObject({
      title: 'MFC visit tomorrow',
      text: expect.stringMatching(/^Tomorrow, Thursday 10 December, at 10:00 \(local time\)/),
    });
    expect(visitReminder(directory, visit, 'en', new Date('2026-12-06T02:00:00Z')).title).toBe(
      'MFC visit on Thursday 10 December',
    );
  });
});
