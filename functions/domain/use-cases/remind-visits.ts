/**
 * Use case: the reminders of MFC visits due now (run by the VisitReminders schedule).
 *
 * Primary course, for each booked visit whose `remindAt` has come:
 *  1. push a reminder to every device registered for the citizen;
 *  2. with no device reached, send it by SMS when the citizen opted in to SMS;
 *  3. mark it sent (only if the visit did not change meanwhile: a visit rescheduled or cancelled
 *     since it was read keeps its new reminder, or none).
 * Each push and SMS goes once per visit and start time (`visit#{number}#{startsAt}#…`), so a run that
 * dies after sending and before marking sends nothing twice on the next run. The reminder says the
 * office, the time and the number; never who the citizen is.
 */
import type { Lang } from '#events/lang.ts';
import * as z from '#events/zod.ts';
import type { MfcDirectory } from '../mfc/directory.ts';
import { localMoment } from '../mfc/opening-hours.ts';
import type { Visit } from '../mfc/visits.ts';
import { visitDay } from '../mfc/wording.ts';
import type { OncePerKey } from '../ports/once-per-key.ts';
import type {
  OutOfBandNotifier,
  PushDeviceRepository,
  PushNotice,
  PushSender,
  SmsContactReader,
} from '../ports/out-of-band.ts';
import type { Clock } from '../ports/system.ts';
import type { DueReminders } from '../ports/visits.ts';
import { pushOwnerKeys } from './register-push-device.ts';

export interface RemindVisitsDeps {
  reminders: DueReminders;
  directory: MfcDirectory;
  devices: PushDeviceRepository;
  pushes: PushSender;
  outOfBand: OutOfBandNotifier;
  smsContacts: SmsContactReader;
  once: OncePerKey;
  clock: Clock;
}

export interface RemindOutcome {
  due: number;
  pushed: number;
  texted: number;
  unreachable: number;
}

const sentSchema = z.enum(['sent', 'gone']);

/**
 * The reminder of a visit, worded from the real day on the office's calendar at `now`: «сегодня» or
 * «завтра» when it is, the date otherwise (a reminder lead shortened, or a run that came late).
 */
export function visitReminder(directory: MfcDirectory, visit: Visit, lang: Lang, now: Date): PushNotice {
  const office = directory.office(visit.officeId);
  const service = directory.service(visit.serviceId);
  const today = office ? localMoment(now, directory.regionOf(office).timeZone).date : visit.date;
  const { relative, name } = visitDay(visit.date, today, lang);
  const where = office ? `${office.name[lang]}, ${office.address[lang]}` : visit.officeId;
  const what = service?.title[lang] ?? visit.serviceId;
  const when = relative ? `${capitalised(relative)}, ${name}` : name;
  const data = { visitNumber: visit.number };
  if (lang === 'en')
    return {
      title: `MFC visit ${relative ?? `on ${name}`}`,
      text: `${when}, at ${visit.time} (local time): ${what}. ${where}. Booking ${visit.number}.`,
      data,
    };
  return {
    title: `Визит в МФЦ ${relative ?? name.split(',')[0]}`,
    text: `${when}, в ${visit.time} (время местное): ${what}. ${where}. Запись ${visit.number}.`,
    data,
  };
}

const capitalised = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

export async function remindVisits(deps: RemindVisitsDeps): Promise<RemindOutcome> {
  const now = deps.clock.now();
  const due = await deps.reminders.due(now);
  const outcome: RemindOutcome = { due: due.length, pushed: 0, texted: 0, unreachable: 0 };
  for (const visit of due) {
    const notice = visitReminder(deps.directory, visit, visit.lang, now);
    const key = `visit#${visit.number}#${visit.startsAt}`;
    const devices = await deps.devices.listByOwners(pushOwnerKeys({ citizenId: visit.citizenId }));
    const results = await Promise.allSettled(
      devices.map(async (device) => {
        const { result } = await deps.once.run(
          `${key}#push#${device.deviceKey}`,
          () => deps.pushes.push(device.endpointArn, notice),
          (stored) => sentSchema.parse(stored),
        );
        if (result === 'gone') await deps.devices.delete(device);
        return result;
      }),
    );
    if (results.some((r) => r.status === 'fulfilled' && r.value === 'sent')) outcome.pushed++;
    else {
      const phone = await deps.smsContacts.smsPhoneOf(visit.citizenId);
      if (phone === undefined) outcome.unreachable++;
      else {
        await deps.once.run(
          `${key}#sms`,
          async () => {
            await deps.outOfBand.send({ channel: 'sms', to: phone, text: `${notice.title}. ${notice.text}` });
            return 'sent' as const;
          },
          (stored) => z.literal('sent').parse(stored),
        );
        outcome.texted++;
      }
    }
    await deps.reminders.markSent(visit, now);
  }
  return outcome;
}
