/**
 * How the MFC answers put days, hours, documents and fees into words, in Russian and English: one
 * place for the phrasing, so the chat answers and the printable checklist say the same thing.
 */
import type { Lang } from '../bot/language.ts';
import type { DayIntervals, MfcService, Office, Weekday } from './directory.ts';
import { addDays, type OfficeDay, weekdayOf } from './opening-hours.ts';

const WEEKDAY_SHORT: Record<Lang, Record<Weekday, string>> = {
  ru: { mon: 'пн', tue: 'вт', wed: 'ср', thu: 'чт', fri: 'пт', sat: 'сб', sun: 'вс' },
  en: { mon: 'Mon', tue: 'Tue', wed: 'Wed', thu: 'Thu', fri: 'Fri', sat: 'Sat', sun: 'Sun' },
};
const WEEKDAY_LONG: Record<Lang, Record<Weekday, string>> = {
  ru: {
    mon: 'понедельник',
    tue: 'вторник',
    wed: 'среда',
    thu: 'четверг',
    fri: 'пятница',
    sat: 'суббота',
    sun: 'воскресенье',
  },
  en: {
    mon: 'Monday',
    tue: 'Tuesday',
    wed: 'Wednesday',
    thu: 'Thursday',
    fri: 'Friday',
    sat: 'Saturday',
    sun: 'Sunday',
  },
};
const MONTHS: Record<Lang, string[]> = {
  ru: 'января февраля марта апреля мая июня июля августа сентября октября ноября декабря'.split(' '),
  en: 'January February March April May June July August September October November December'.split(' '),
};
const WEEK_ORDER: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** «5 декабря, суббота» / "Saturday 5 December". */
export function dayName(day: Pick<OfficeDay, 'date' | 'weekday'>, lang: Lang): string {
  const month = MONTHS[lang][Number(day.date.slice(5, 7)) - 1] ?? '';
  const date = `${Number(day.date.slice(8, 10))} ${month}`;
  return lang === 'ru'
    ? `${date}, ${WEEKDAY_LONG.ru[day.weekday]}`
    : `${WEEKDAY_LONG.en[day.weekday]} ${date}`;
}

/**
 * The day of a visit as the office's calendar has it from `today`: «сегодня» / "today",
 * «завтра» / "tomorrow", or none (a later day), with its full name («5 декабря, суббота») either way.
 */
export function visitDay(date: string, today: string, lang: Lang): { relative?: string; name: string } {
  const name = dayName({ date, weekday: weekdayOf(date) }, lang);
  if (date === today) return { relative: lang === 'ru' ? 'сегодня' : 'today', name };
  if (date === addDays(today, 1)) return { relative: lang === 'ru' ? 'завтра' : 'tomorrow', name };
  return { name };
}

/** «08:00–13:00, 14:00–20:00 (перерыв 13:00–14:00)» or «выходной». */
export function intervalsText(intervals: DayIntervals, lang: Lang): string {
  if (intervals.length === 0) return lang === 'ru' ? 'выходной' : 'closed';
  const hours = intervals.map((i) => `${i.open}–${i.close}`).join(', ');
  const breaks = intervals
    .slice(1)
    .map((interval, i) => `${intervals[i]?.close}–${interval.open}`)
    .join(', ');
  if (!breaks) return hours;
  return lang === 'ru' ? `${hours} (перерыв ${breaks})` : `${hours} (break ${breaks})`;
}

/** The weekly hours, days with the same hours grouped: «пн–пт: 08:00–20:00; сб: 09:00–16:00; вс: выходной». */
export function weekText(office: Office, lang: Lang): string {
  const groups: Array<{ from: Weekday; to: Weekday; text: string }> = [];
  for (const weekday of WEEK_ORDER) {
    const text = intervalsText(office.hours[weekday], lang);
    const last = groups.at(-1);
    if (last && last.text === text) last.to = weekday;
    else groups.push({ from: weekday, to: weekday, text });
  }
  return groups
    .map(({ from, to, text }) => {
      const days =
        from === to ? WEEKDAY_SHORT[lang][from] : `${WEEKDAY_SHORT[lang][from]}–${WEEKDAY_SHORT[lang][to]}`;
      return `${days}: ${text}`;
    })
    .join('; ');
}

/** One day of an office in words: hours, a holiday's name, a short day. */
export function officeDayText(day: OfficeDay, lang: Lang): string {
  if (day.closedFor)
    return lang === 'ru' ? `не работает (${day.closedFor.ru})` : `closed (${day.closedFor.en})`;
  if (day.intervals.length === 0) return lang === 'ru' ? 'выходной' : 'closed';
  const hours = intervalsText(day.intervals, lang);
  if (!day.shortenedBy) return lang === 'ru' ? `работает ${hours}` : `open ${hours}`;
  return lang === 'ru'
    ? `работает ${hours} — предпраздничный сокращённый день`
    : `open ${hours}, a shortened day before a holiday`;
}

const FORM: Record<Lang, Record<'original' | 'copy' | 'original_and_copy', string>> = {
  ru: { original: 'оригинал', copy: 'копия', original_and_copy: 'оригинал и копия' },
  en: { original: 'original', copy: 'copy', original_and_copy: 'original and a copy' },
};

/** The documents of a service, one line each: «• Паспорт гражданина РФ — оригинал». */
export function documentLines(service: MfcService, lang: Lang): string[] {
  return service.documents.map((d) => {
    const note = d.note ? ` (${d.note[lang]})` : '';
    return `• ${d.title[lang]} — ${FORM[lang][d.form]}${note}`;
  });
}

const rubles = (amount: number) => `${amount.toLocaleString('ru-RU').replace(/\s/g, ' ')} ₽`;

export function feeText(service: MfcService, lang: Lang): string {
  if (!service.fee)
    return lang === 'ru' ? 'Госпошлины нет, услуга бесплатная.' : 'There is no fee: the service is free.';
  return lang === 'ru'
    ? `Госпошлина: ${rubles(service.fee.amountRub)} (${service.fee.note.ru}).`
    : `Fee: ${rubles(service.fee.amountRub)} (${service.fee.note.en}).`;
}

export function visitText(service: MfcService, lang: Lang): string {
  const days = service.processingDays;
  if (lang === 'ru') {
    const result = days === 0 ? 'результат — в день обращения' : `срок — до ${days} рабочих дней`;
    return `Приём занимает около ${service.durationMinutes} минут; ${result}.`;
  }
  const result = days === 0 ? 'the result is ready the same day' : `it takes up to ${days} working days`;
  return `The visit takes about ${service.durationMinutes} minutes; ${result}.`;
}
