/**
 * The bot's MFC answers from the directory: when a named office works on a day or right now (on
 * its own wall clock, holidays included), and what to bring for a named service, with the link to
 * its printable checklist. Pure functions of the directory, the message's mentions and the time.
 */
import type { Lang } from '../bot/language.ts';
import type { MfcDirectory, MfcService, Office } from './directory.ts';
import type { DayMention, Mentions } from './mentions.ts';
import { addDays, localMoment, type OfficeDay, officeDay, openStateAt } from './opening-hours.ts';
import { dayName, documentLines, feeText, officeDayText, visitText, weekText } from './wording.ts';

/** How many offices one answer lists before asking the citizen to narrow it down. */
const LISTED_OFFICES = 6;
/** How far ahead the answer warns of a holiday or a short day. */
const WARN_DAYS = 14;

const WEEKDAY_INDEX = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 } as const;

/** The office's local date a day mention means, seen from `now`. */
function dateOf(mention: Exclude<DayMention, { kind: 'now' }>, today: string): string {
  if (mention.kind === 'offset') return addDays(today, mention.days);
  if (mention.kind === 'weekday') {
    const todayIndex = new Date(`${today}T00:00:00Z`).getUTCDay();
    return addDays(today, (WEEKDAY_INDEX[mention.weekday] - todayIndex + 7) % 7);
  }
  const year = Number(today.slice(0, 4));
  const candidate = `${year}-${String(mention.month).padStart(2, '0')}-${String(mention.day).padStart(2, '0')}`;
  return candidate < today ? `${year + 1}${candidate.slice(4)}` : candidate;
}

const heading = (office: Office, lang: Lang) => `${office.name[lang]} — ${office.address[lang]}`;

function nowText(directory: MfcDirectory, office: Office, now: Date, lang: Lang): string {
  const zone = directory.regionOf(office).timeZone;
  const clock = localMoment(now, zone).time;
  const state = openStateAt(directory, office, now);
  const where = office.city[lang];
  if (state.status === 'open')
    return lang === 'ru'
      ? `Сейчас в городе ${where} ${clock} — офис открыт до ${state.until}.`
      : `It is ${clock} in ${where} now: the office is open until ${state.until}.`;
  if (state.status === 'break')
    return lang === 'ru'
      ? `Сейчас в городе ${where} ${clock} — перерыв, офис откроется в ${state.reopensAt}.`
      : `It is ${clock} in ${where} now: a break, the office reopens at ${state.reopensAt}.`;
  const reason = state.today.closedFor ? ` (${state.today.closedFor[lang]})` : '';
  const next = state.next
    ? state.next.day.date === state.today.date
      ? lang === 'ru'
        ? `, откроется сегодня в ${state.next.opensAt}`
        : `; it opens today at ${state.next.opensAt}`
      : lang === 'ru'
        ? `, откроется ${dayName(state.next.day, lang)} в ${state.next.opensAt}`
        : `; it opens on ${dayName(state.next.day, lang)} at ${state.next.opensAt}`
    : '';
  return lang === 'ru'
    ? `Сейчас в городе ${where} ${clock} — офис закрыт${reason}${next}.`
    : `It is ${clock} in ${where} now: the office is closed${reason}${next}.`;
}

/** Holidays and short days of the next two weeks: the days a citizen would otherwise find the door shut. */
function exceptionsAhead(
  directory: MfcDirectory,
  office: Office,
  today: string,
  lang: Lang,
): string | undefined {
  const days: OfficeDay[] = [];
  for (let ahead = 0; ahead <= WARN_DAYS; ahead++) {
    const day = officeDay(directory, office, addDays(today, ahead));
    if (day.closedFor || day.shortenedBy) days.push(day);
  }
  if (days.length === 0) return undefined;
  const list = days.map((day) => `${dayName(day, lang)} — ${officeDayText(day, lang)}`).join('; ');
  return lang === 'ru' ? `Ближайшие изменения: ${list}.` : `Coming changes: ${list}.`;
}

function oneOfficeHours(
  directory: MfcDirectory,
  office: Office,
  day: DayMention | undefined,
  now: Date,
  lang: Lang,
): string {
  const zone = directory.regionOf(office).timeZone;
  const today = localMoment(now, zone).date;
  const lines = [heading(office, lang)];
  if (day && day.kind !== 'now') {
    const date = dateOf(day, today);
    const wanted = officeDay(directory, office, date);
    lines.push(`${dayName(wanted, lang)}: ${officeDayText(wanted, lang)}.`);
    lines.push(lang === 'ru' ? `Время местное (${office.city.ru}).` : `Local time (${office.city.en}).`);
    return lines.join('\n');
  }
  lines.push(nowText(directory, office, now, lang));
  if (!day) {
    lines.push(
      lang === 'ru'
        ? `Режим работы (время местное): ${weekText(office, lang)}.`
        : `Opening hours (local time): ${weekText(office, lang)}.`,
    );
    const exceptions = exceptionsAhead(directory, office, today, lang);
    if (exceptions) lines.push(exceptions);
  }
  return lines.join('\n');
}

/**
 * The hours answer for the offices a message names, or undefined when it names none (the
 * knowledge base's general answer then stands).
 */
export function hoursAnswer(
  directory: MfcDirectory,
  mentions: Mentions,
  now: Date,
  lang: Lang,
): string | undefined {
  const [first, ...others] = mentions.offices;
  if (!first) return undefined;
  if (others.length === 0) return oneOfficeHours(directory, first, mentions.day, now, lang);
  const listed = mentions.offices.slice(0, LISTED_OFFICES).map((office) => {
    const zone = directory.regionOf(office).timeZone;
    const today = localMoment(now, zone).date;
    const day =
      mentions.day && mentions.day.kind !== 'now'
        ? officeDay(directory, office, dateOf(mentions.day, today))
        : officeDay(directory, office, today);
    const when =
      mentions.day && mentions.day.kind !== 'now' ? dayName(day, lang) : lang === 'ru' ? 'сегодня' : 'today';
    return `• ${heading(office, lang)}: ${when} ${officeDayText(day, lang)}`;
  });
  const more = mentions.offices.length - listed.length;
  const intro =
    lang === 'ru'
      ? `Нашёл несколько офисов (${mentions.offices.length}), время местное:`
      : `I found ${mentions.offices.length} offices (local time):`;
  const outro =
    lang === 'ru'
      ? `${more > 0 ? `И ещё ${more}. ` : ''}Назовите улицу или район — расскажу о режиме этого офиса подробно.`
      : `${more > 0 ? `And ${more} more. ` : ''}Name the street or district and I will give that office's hours in full.`;
  return [intro, ...listed, outro].join('\n');
}

/** What to bring for a service, with its fee, the visit's length and the printable checklist. */
export function checklistAnswer(
  directory: MfcDirectory,
  service: MfcService,
  mentions: Mentions,
  lang: Lang,
  checklistUrl: string | undefined,
): string {
  const lines = [
    lang === 'ru' ? `Что взять на услугу «${service.title.ru}»:` : `What to bring for "${service.title.en}":`,
    ...documentLines(service, lang),
    feeText(service, lang),
    visitText(service, lang),
  ];
  const [office] = mentions.offices;
  if (office && mentions.offices.length === 1 && !(service.id in office.services)) {
    const elsewhere = directory.offices
      .filter((o) => o.city.ru === office.city.ru && service.id in o.services)
      .map((o) => o.name[lang]);
    lines.push(
      lang === 'ru'
        ? `В офисе «${office.name.ru}» эту услугу не оказывают${elsewhere.length ? `; в этом городе её оказывают: ${elsewhere.join(', ')}` : ''}.`
        : `${office.name.en} does not offer this service${elsewhere.length ? `; in this city it is offered by: ${elsewhere.join(', ')}` : ''}.`,
    );
  }
  if (checklistUrl)
    lines.push(lang === 'ru' ? `Список для печати: ${checklistUrl}` : `Printable checklist: ${checklistUrl}`);
  return lines.join('\n');
}

/** Which offices of the named city (or of all) offer the named service: the start of a booking. */
export function whereOffered(directory: MfcDirectory, mentions: Mentions, lang: Lang): string | undefined {
  const { service } = mentions;
  if (!service) return undefined;
  const pool = mentions.offices.length > 0 ? mentions.offices : directory.offices;
  const offering = pool.filter((office) => service.id in office.services).slice(0, LISTED_OFFICES);
  if (offering.length === 0) return undefined;
  const head =
    lang === 'ru' ? `Услугу «${service.title.ru}» оказывают:` : `"${service.title.en}" is offered by:`;
  return [head, ...offering.map((office) => `• ${heading(office, lang)}`)].join('\n');
}
