/**
 * When an office is open: its weekly hours in its own time zone, less the region's holidays and
 * the office's own closures, with pre-holiday days shortened. Everything is computed on the
 * office's wall clock (Intl's time-zone data turns an instant into that clock and back), so "open now?"
 * in Vladivostok at 09:00 Moscow time is answered for 16:00 there.
 */
import { type DayIntervals, type MfcDirectory, type Office, WEEKDAYS, type Weekday } from './directory.ts';

/** One calendar day of one office, as it will really be. */
export interface OfficeDay {
  /** `YYYY-MM-DD` on the office's wall clock. */
  date: string;
  weekday: Weekday;
  /** Open intervals after holidays and short days; empty when closed. */
  intervals: DayIntervals;
  /** Why a normally working day is closed: the holiday's or closure's name. */
  closedFor?: { ru: string; en: string };
  /** Minutes cut from the end of a pre-holiday day. */
  shortenedBy?: number;
}

export interface LocalMoment {
  date: string;
  weekday: Weekday;
  /** `HH:MM` on the office's wall clock. */
  time: string;
}

const pad = (n: number) => String(n).padStart(2, '0');
const toMinutes = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
const toTime = (minutes: number) => `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;

const clocks = new Map<string, Intl.DateTimeFormat>();

/** The wall clock of `timeZone` at `instant`, as UTC milliseconds of the same reading. */
function wallClockMs(instant: number, timeZone: string): number {
  let clock = clocks.get(timeZone);
  if (!clock) {
    clock = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
    clocks.set(timeZone, clock);
  }
  const part = Object.fromEntries(
    clock.formatToParts(new Date(instant)).map((p) => [p.type, Number(p.value)]),
  );
  return Date.UTC(part.year ?? 0, (part.month ?? 1) - 1, part.day ?? 1, part.hour ?? 0, part.minute ?? 0);
}

/** The wall clock of `timeZone` at `instant`. */
export function localMoment(instant: Date, timeZone: string): LocalMoment {
  const wall = new Date(wallClockMs(instant.getTime(), timeZone)).toISOString();
  const date = wall.slice(0, 10);
  return { date, weekday: weekdayOf(date), time: wall.slice(11, 16) };
}

/** The instant at which the wall clock of `timeZone` shows `date` `time` (no DST in Russia; settled twice for zones that have it). */
export function instantOf(date: string, time: string, timeZone: string): Date {
  const wall = Date.parse(`${date}T${time}:00Z`);
  const first = wall - (wallClockMs(wall, timeZone) - wall);
  const settled = wall - (wallClockMs(first, timeZone) - first);
  return new Date(settled);
}

/** `date` plus `days` calendar days (dates only: no time zone involved). */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The weekday of a calendar date (`YYYY-MM-DD`). */
export function weekdayOf(date: string): Weekday {
  return WEEKDAYS[new Date(`${date}T00:00:00Z`).getUTCDay()] ?? 'mon';
}

export function officeDay(directory: MfcDirectory, office: Office, date: string): OfficeDay {
  const region = directory.regionOf(office);
  const weekday = weekdayOf(date);
  const regular = office.hours[weekday];
  const closure =
    office.closures.find((c) => c.date === date) ?? region.holidays.find((holiday) => holiday.date === date);
  if (closure)
    return { date, weekday, intervals: [], ...(regular.length > 0 ? { closedFor: closure.name } : {}) };
  const short = region.shortDays.find((d) => d.date === date);
  if (!short || regular.length === 0) return { date, weekday, intervals: regular };
  const last = regular.at(-1);
  if (!last) return { date, weekday, intervals: regular };
  const close = Math.max(toMinutes(last.open), toMinutes(last.close) - short.minutes);
  return {
    date,
    weekday,
    intervals: [...regular.slice(0, -1), { open: last.open, close: toTime(close) }],
    shortenedBy: short.minutes,
  };
}

export type OpenState =
  | { status: 'open'; until: string; today: OfficeDay }
  | { status: 'break'; reopensAt: string; today: OfficeDay }
  | { status: 'closed'; today: OfficeDay; next?: { day: OfficeDay; opensAt: string } };

/** How far ahead "when does it open next" looks: past the longest holidays (New Year). */
const LOOKAHEAD_DAYS = 14;

/** Whether the office is open at `instant`, on its own wall clock, and what comes next. */
export function openStateAt(directory: MfcDirectory, office: Office, instant: Date): OpenState {
  const now = localMoment(instant, directory.regionOf(office).timeZone);
  const today = officeDay(directory, office, now.date);
  const minute = toMinutes(now.time);
  for (const [i, interval] of today.intervals.entries()) {
    if (minute < toMinutes(interval.open))
      return i === 0
        ? { status: 'closed', today, next: { day: today, opensAt: interval.open } }
        : { status: 'break', reopensAt: interval.open, today };
    if (minute < toMinutes(interval.close)) return { status: 'open', until: interval.close, today };
  }
  for (let ahead = 1; ahead <= LOOKAHEAD_DAYS; ahead++) {
    const day = officeDay(directory, office, addDays(now.date, ahead));
    const first = day.intervals[0];
    if (first) return { status: 'closed', today, next: { day, opensAt: first.open } };
  }
  return { status: 'closed', today };
}

/** Whether `start`..`start + minutes` lies inside one open interval of the day. */
export function withinHours(day: OfficeDay, start: string, minutes: number): boolean {
  const from = toMinutes(start);
  return day.intervals.some((i) => from >= toMinutes(i.open) && from + minutes <= toMinutes(i.close));
}

/** The visit start times of a day for a service of `minutes`: back to back from each opening. */
export function slotTimes(day: OfficeDay, minutes: number): string[] {
  const times: string[] = [];
  for (const interval of day.intervals) {
    for (let t = toMinutes(interval.open); t + minutes <= toMinutes(interval.close); t += minutes)
      times.push(toTime(t));
  }
  return times;
}
