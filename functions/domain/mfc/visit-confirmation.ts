/**
 * What the bot writes in the citizen's conversation when a visit is booked, moved or cancelled, in
 * Russian or English: the number, the service, the office and its address, the day and time on the
 * office's clock (with its UTC offset, for a citizen in another zone), and the printable checklist;
 * and one line per visit where the bot lists a citizen's visits with their applications.
 */
import type { Lang } from '../bot/language.ts';
import type { MfcDirectory } from './directory.ts';
import { weekdayOf } from './opening-hours.ts';
import type { Visit } from './visits.ts';
import { dayName } from './wording.ts';

/** What happened to the visit: a new booking, a move to another slot, a cancellation. */
export type VisitChange = 'booked' | 'moved' | 'cancelled';

/** «UTC+10»: the office's offset at the visit, from its local time and its instant. */
function utcOffset(visit: Pick<Visit, 'date' | 'time' | 'startsAt'>): string {
  const minutes = Math.round(
    (Date.parse(`${visit.date}T${visit.time}:00Z`) - Date.parse(visit.startsAt)) / 60_000,
  );
  const sign = minutes < 0 ? '−' : '+';
  const hours = Math.floor(Math.abs(minutes) / 60);
  const rest = Math.abs(minutes) % 60;
  return `UTC${sign}${hours}${rest ? `:${String(rest).padStart(2, '0')}` : ''}`;
}

export function visitConfirmation(
  directory: MfcDirectory,
  visit: Visit,
  change: VisitChange,
  lang: Lang,
  /** The printable checklist of the visit's service (absolute URL, or the path on the web pages' origin). */
  checklistUrl: string,
): string {
  const office = directory.office(visit.officeId);
  const service = directory.service(visit.serviceId);
  const what = service?.title[lang] ?? visit.serviceId;
  const where = office ? `${office.name[lang]} (${office.address[lang]})` : visit.officeId;
  const day = dayName({ date: visit.date, weekday: weekdayOf(visit.date) }, lang);
  const zone = utcOffset(visit);
  if (lang === 'en') {
    const when = `${day} at ${visit.time} local time (${zone})`;
    if (change === 'cancelled')
      return `Your MFC booking ${visit.number} is cancelled: ${what}, ${where}, ${when}. The place is free for others; you can book another time here.`;
    const head =
      change === 'booked'
        ? `You are booked at the MFC. Booking ${visit.number}: ${what}.`
        : `Your MFC booking ${visit.number} is moved: ${what}.`;
    return `${head} ${where}, ${when}. What to bring (printable list): ${checklistUrl}. A reminder comes the day before; to cancel or move the visit, quote the number ${visit.number}.`;
  }
  const when = `${day}, в ${visit.time} по местному времени (${zone})`;
  if (change === 'cancelled')
    return `Запись ${visit.number} в МФЦ отменена: ${what}, ${where}, ${when}. Место освобождено; записаться на другое время можно здесь же.`;
  const head =
    change === 'booked'
      ? `Вы записаны в МФЦ. Запись ${visit.number}: ${what}.`
      : `Запись ${visit.number} в МФЦ перенесена: ${what}.`;
  return `${head} ${where}, ${when}. Что взять с собой (список для печати): ${checklistUrl}. Накануне придёт напоминание; чтобы отменить или перенести визит, назовите номер ${visit.number}.`;
}

/** «• Запись V-…: «Замена паспорта», 10 декабря, четверг, в 10:00 по местному времени, МФЦ … (адрес).» */
export function visitLine(directory: MfcDirectory, visit: Visit, lang: Lang): string {
  const office = directory.office(visit.officeId);
  const what = directory.service(visit.serviceId)?.title[lang] ?? visit.serviceId;
  const where = office ? `${office.name[lang]} (${office.address[lang]})` : visit.officeId;
  const day = dayName({ date: visit.date, weekday: weekdayOf(visit.date) }, lang);
  return lang === 'ru'
    ? `• Запись ${visit.number}: «${what}», ${day}, в ${visit.time} по местному времени, ${where}.`
    : `• Booking ${visit.number}: "${what}", ${day} at ${visit.time} local time, ${where}.`;
}
