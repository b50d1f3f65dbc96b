/**
 * Visits to an MFC office, the rules: which slot a request names and whether it can be booked —
 * a known office offering a known service, a working day (not a holiday), a slot start inside the
 * hours, in the future and at most {@link BOOKING_HORIZON_DAYS} ahead —, how many places a slot has
 * (the office's windows for the service), the free places of a day, and the visit's number. Who gets
 * the last place is the repository's: conditional writes decide it (ports/visits.ts).
 */
import { randomBytes } from 'node:crypto';
import { MFC_BOOKING_HORIZON_DAYS, MFC_VISITS_PER_SERVICE } from '#events/mfc-rules.ts';
import { ChatError } from '../errors.ts';
import type { MfcDirectory, MfcService, Office } from './directory.ts';
import { instantOf, localMoment, officeDay, slotTimes } from './opening-hours.ts';

/** A citizen holds at most this many active visits for one service. */
export const ACTIVE_VISITS_PER_SERVICE = MFC_VISITS_PER_SERVICE;
/** How far ahead a visit can be booked, in days of the office's calendar. */
export const BOOKING_HORIZON_DAYS = MFC_BOOKING_HORIZON_DAYS;
/** The reminder goes out this long before the visit ("the day before"). */
export const REMINDER_BEFORE_MS = 24 * 60 * 60 * 1000;

/** When the reminder of a visit starting at `startsAt` is due: the day before, or none when that has passed. */
export function reminderTime(
  startsAt: string,
  now: Date,
  leadMs: number = REMINDER_BEFORE_MS,
): string | undefined {
  const at = Date.parse(startsAt) - leadMs;
  return at > now.getTime() ? new Date(at).toISOString() : undefined;
}

export type VisitStatus = 'booked' | 'cancelled';

export interface Visit {
  /** `V-XXXXXXXX`: what the citizen quotes. */
  number: string;
  citizenId: string;
  officeId: string;
  serviceId: string;
  /** The office's local date and time of the slot. */
  date: string;
  time: string;
  /** The slot's start as an instant (ISO). */
  startsAt: string;
  status: VisitStatus;
  bookedAt: string;
  /** The language the confirmation and the reminder are written in. */
  lang: 'ru' | 'en';
  /** When the reminder is due (ISO); absent once sent, for a cancelled visit, or one booked less than a day ahead. */
  remindAt?: string;
}

/** A visit still to come: booked, and not yet started. */
export function isActiveVisit(visit: Pick<Visit, 'status' | 'startsAt'>, now: Date): boolean {
  return visit.status === 'booked' && Date.parse(visit.startsAt) > now.getTime();
}

export interface SlotRequest {
  officeId: string;
  serviceId: string;
  date: string;
  time: string;
}

export interface ResolvedSlot {
  office: Office;
  service: MfcService;
  /** Places of the slot: the office's windows for the service. */
  places: number;
  startsAt: Date;
}

const notFound = (field: string, problem: string) =>
  new ChatError('NOT_FOUND', { details: [{ field, problem }] });
const badRequest = (field: string, problem: string) =>
  new ChatError('BAD_REQUEST', { details: [{ field, problem }] });

/** The office and service a request names, or NOT_FOUND naming the field. */
export function officeService(
  directory: MfcDirectory,
  officeId: string,
  serviceId: string,
): { office: Office; service: MfcService; places: number } {
  const office = directory.office(officeId);
  if (!office) throw notFound('officeId', 'no such office');
  const service = directory.service(serviceId);
  if (!service) throw notFound('serviceId', 'no such service');
  const places = office.services[serviceId];
  if (places === undefined) throw notFound('serviceId', 'this office does not offer this service');
  return { office, service, places };
}

/** A date the office can be booked on: not past, within the horizon; BAD_REQUEST otherwise. */
function checkDate(directory: MfcDirectory, office: Office, date: string, now: Date): void {
  const today = localMoment(now, directory.regionOf(office).timeZone).date;
  if (date < today) throw badRequest('date', 'in the past');
  const last = new Date(`${today}T00:00:00Z`);
  last.setUTCDate(last.getUTCDate() + BOOKING_HORIZON_DAYS);
  if (date > last.toISOString().slice(0, 10))
    throw badRequest('date', `bookings open ${BOOKING_HORIZON_DAYS} days ahead`);
}

/**
 * The slot a booking (or a reschedule) asks for, checked against the directory: NOT_FOUND for an
 * unknown office or service, BAD_REQUEST for a past slot, a closed day (holiday, weekend, closure) or
 * a time that is not a slot start inside the hours.
 */
export function resolveSlot(directory: MfcDirectory, request: SlotRequest, now: Date): ResolvedSlot {
  const { office, service, places } = officeService(directory, request.officeId, request.serviceId);
  checkDate(directory, office, request.date, now);
  const day = officeDay(directory, office, request.date);
  if (day.intervals.length === 0)
    throw badRequest(
      'date',
      day.closedFor ? 'the office is closed: a holiday' : 'the office is closed that day',
    );
  if (!slotTimes(day, service.durationMinutes).includes(request.time))
    throw badRequest('time', 'not a slot start within the office hours');
  const startsAt = instantOf(request.date, request.time, directory.regionOf(office).timeZone);
  if (startsAt.getTime() <= now.getTime()) throw badRequest('time', 'in the past');
  return { office, service, places, startsAt };
}

export interface FreeSlot {
  time: string;
  free: number;
}

/** The slots of a day still ahead, with their free places (0 for a full one). */
export function freeSlotsOfDay(
  directory: MfcDirectory,
  request: Omit<SlotRequest, 'time'>,
  taken: ReadonlyMap<string, number>,
  now: Date,
): FreeSlot[] {
  const { office, service, places } = officeService(directory, request.officeId, request.serviceId);
  checkDate(directory, office, request.date, now);
  const zone = directory.regionOf(office).timeZone;
  const day = officeDay(directory, office, request.date);
  return slotTimes(day, service.durationMinutes)
    .filter((time) => instantOf(request.date, time, zone).getTime() > now.getTime())
    .map((time) => ({ time, free: Math.max(0, places - (taken.get(time) ?? 0)) }));
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const VISIT_NUMBER_PATTERN = /^V-[0-9A-HJKMNP-TV-Z]{8}$/;

/** `V-` and 8 Crockford base32 characters (40 random bits); the repository makes it unique. */
export function newVisitNumber(random: (size: number) => Uint8Array = randomBytes): string {
  return `V-${Array.from(random(8), (byte) => CROCKFORD[byte & 31]).join('')}`;
}

/** A visit number as typed (lower case, O for zero, I/L for one) in its canonical form. */
export function canonicalVisitNumber(typed: string): string | undefined {
  const upper = typed.trim().toUpperCase();
  const match = /^V-([0-9A-Z]{8})$/.exec(upper);
  if (!match) return undefined;
  const canonical = `V-${(match[1] ?? '').replaceAll('O', '0').replaceAll('I', '1').replaceAll('L', '1')}`;
  return VISIT_NUMBER_PATTERN.test(canonical) ? canonical : undefined;
}
