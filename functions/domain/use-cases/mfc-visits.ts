/**
 * Use cases of MFC offices and visits (docs/protocol.md, "MFC offices and visits").
 *
 * Primary course of `bookVisit` (a verified citizen):
 *   1. resolve the slot against the directory: a known office offering the service, a working day,
 *      a slot start inside the hours, ahead and within the horizon (functions/domain/mfc/visits.ts);
 *   2. store it with a fresh number: one transaction takes a place of the slot (never more than the
 *      office's windows) and one of the citizen's two active visits for the service;
 *      the visit carries when its reminder is due (the day before; none for a visit less than a
 *      day away), which the scheduled reminder job reads (remind-visits.ts);
 *   3. answer the visit, confirmed. Full slot → SLOT_FULL, third visit → VISIT_LIMIT: nothing stored.
 * A frame with a `requestId` is booked once per citizen and requestId (for a day): the same request
 * again, after a lost answer or racing the first, answers the visit it booked (checked first, and by
 * the booking's own transaction).
 * `cancelVisit` and `rescheduleVisit` act on the caller's own booked visit only (another's or an
 * unknown number → NOT_FOUND, not booked any more → CONFLICT); the reminder moves or goes with it.
 * With a `requestId` they too are done once per citizen and requestId: the same frame again answers
 * the visit as it stands now and changes nothing. A `requestId` that did something else (another
 * action, visit or slot) → BAD_REQUEST on `requestId`.
 */
import type { Caller } from '#events/authorizer-context.ts';
import type { Lang } from '#events/lang.ts';
import type { MfcOfficeSummary, MfcVisitView } from '#events/mfc-frames.ts';
import * as z from '#events/zod.ts';
import { ChatError } from '../errors.ts';
import { checklistPath } from '../mfc/checklist-path.ts';
import type { MfcDirectory } from '../mfc/directory.ts';
import { officeDay, openStateAt, slotTimes } from '../mfc/opening-hours.ts';
import {
  ACTIVE_VISITS_PER_SERVICE,
  canonicalVisitNumber,
  type FreeSlot,
  freeSlotsOfDay,
  isActiveVisit,
  newVisitNumber,
  officeService,
  reminderTime,
  resolveSlot,
  type SlotRequest,
  type Visit,
} from '../mfc/visits.ts';
import { officeDayText, weekText } from '../mfc/wording.ts';
import { cursorScope, jsonBytes, openCursor, PAGE_BUDGET_BYTES } from '../paging.ts';
import type { PagingCursors } from '../ports/paging.ts';
import type { Clock } from '../ports/system.ts';
import type { CitizenVisits, VisitPosition, VisitRepository, VisitRequest } from '../ports/visits.ts';

export interface MfcVisitDeps {
  directory: MfcDirectory;
  visits: VisitRepository;
  clock: Clock;
  /** How long before a visit its reminder goes out (a day; shorter in tests). */
  reminderLeadMs?: number;
}

/** Fresh numbers tried when a drawn one is taken (40 random bits: a second draw is already rare). */
const NUMBER_ATTEMPTS = 3;

const sameCity = (a: string, b: string) =>
  a.trim().toLowerCase().replace(/ё/g, 'е') === b.trim().toLowerCase().replace(/ё/g, 'е');

export function listOffices(
  directory: MfcDirectory,
  filter: { city?: string; serviceId?: string },
  lang: Lang,
  now: Date,
): MfcOfficeSummary[] {
  if (filter.serviceId !== undefined && !directory.service(filter.serviceId))
    throw new ChatError('NOT_FOUND', { details: [{ field: 'serviceId', problem: 'no such service' }] });
  return directory.offices
    .filter(
      (office) =>
        filter.city === undefined ||
        sameCity(office.city.ru, filter.city) ||
        sameCity(office.city.en, filter.city),
    )
    .filter((office) => filter.serviceId === undefined || filter.serviceId in office.services)
    .map((office) => {
      const state = openStateAt(directory, office, now);
      return {
        officeId: office.id,
        name: office.name[lang],
        city: office.city[lang],
        address: office.address[lang],
        timeZone: directory.regionOf(office).timeZone,
        hours: weekText(office, lang),
        today: {
          date: state.today.date,
          hours: officeDayText(state.today, lang),
          openNow: state.status === 'open',
        },
        services: Object.entries(office.services).map(([serviceId, windows]) => ({
          serviceId,
          title: directory.service(serviceId)?.title[lang] ?? serviceId,
          windows,
        })),
      };
    });
}

export async function listFreeSlots(
  deps: MfcVisitDeps,
  request: Omit<SlotRequest, 'time'>,
): Promise<{ timeZone: string; slots: FreeSlot[] }> {
  const { office, service } = officeService(deps.directory, request.officeId, request.serviceId);
  const times = slotTimes(officeDay(deps.directory, office, request.date), service.durationMinutes);
  const taken =
    times.length === 0
      ? new Map<string, number>()
      : await deps.visits.takenPlaces(office.id, service.id, request.date, times);
  return {
    timeZone: deps.directory.regionOf(office).timeZone,
    slots: freeSlotsOfDay(deps.directory, request, taken, deps.clock.now()),
  };
}

export function visitView(directory: MfcDirectory, visit: Visit, lang: Lang): MfcVisitView {
  const office = directory.office(visit.officeId);
  const service = directory.service(visit.serviceId);
  return {
    number: visit.number,
    status: visit.status,
    officeId: visit.officeId,
    officeName: office?.name[lang] ?? visit.officeId,
    address: office?.address[lang] ?? '',
    serviceId: visit.serviceId,
    serviceTitle: service?.title[lang] ?? visit.serviceId,
    date: visit.date,
    time: visit.time,
    startsAt: visit.startsAt,
    checklistPath: `/${checklistPath(visit.serviceId, lang)}`,
  };
}

export async function bookVisit(
  deps: MfcVisitDeps,
  citizenId: string,
  request: SlotRequest,
  lang: Lang,
  /** The frame's `requestId`: the same request again answers the visit it booked and books nothing. */
  requestId?: string,
): Promise<Visit> {
  const now = deps.clock.now();
  const earlier = (): Promise<Visit | undefined> =>
    earlierRequest(deps, citizenId, requestId, (request) => request.action === 'book');
  const first = await earlier();
  if (first) return first;
  const slot = resolveSlot(deps.directory, request, now);
  for (let attempt = 1; attempt <= NUMBER_ATTEMPTS; attempt++) {
    const visit: Visit = {
      number: newVisitNumber(),
      citizenId,
      officeId: slot.office.id,
      serviceId: slot.service.id,
      date: request.date,
      time: request.time,
      startsAt: slot.startsAt.toISOString(),
      status: 'booked',
      bookedAt: now.toISOString(),
      lang,
    };
    const remindAt = reminderTime(visit.startsAt, now, deps.reminderLeadMs);
    if (remindAt) visit.remindAt = remindAt;
    const outcome = await deps.visits.book(
      visit,
      { places: slot.places, perCitizen: ACTIVE_VISITS_PER_SERVICE },
      requestId,
    );
    if (outcome === 'repeated') return repeated(await earlier());
    if (outcome === 'slot_full') throw new ChatError('SLOT_FULL');
    if (outcome === 'limit_reached') throw new ChatError('VISIT_LIMIT');
    if (outcome === 'booked') return visit;
  }
  throw new Error('no free visit number after several draws');
}

/**
 * The visit, as it stands now, that an earlier frame of the citizen with this `requestId` changed;
 * undefined when there was none (or no `requestId`). One that did something else than `sameFrame`
 * (the client gave two different frames one id) → BAD_REQUEST: answering the other's visit would
 * mislead, doing this one would make the id mean two things.
 */
async function earlierRequest(
  deps: MfcVisitDeps,
  citizenId: string,
  requestId: string | undefined,
  sameFrame: (request: VisitRequest) => boolean,
): Promise<Visit | undefined> {
  if (requestId === undefined) return undefined;
  const request = await deps.visits.requested(citizenId, requestId);
  if (!request) return undefined;
  if (!sameFrame(request))
    throw new ChatError('BAD_REQUEST', {
      details: [{ field: 'requestId', problem: 'already used for another request of yours' }],
    });
  return deps.visits.get(request.number);
}

/** The visit of a copy of the same frame that committed while this one ran (so it must be there). */
function repeated(visit: Visit | undefined): Visit {
  if (!visit) throw new Error('a repeated visit request without its visit');
  return visit;
}

/** The caller's own visit by its number as typed; NOT_FOUND for a malformed, unknown or another's. */
async function ownVisit(deps: MfcVisitDeps, citizenId: string, typed: string): Promise<Visit> {
  const number = canonicalVisitNumber(typed);
  const visit = number ? await deps.visits.get(number) : undefined;
  if (!visit || visit.citizenId !== citizenId)
    throw new ChatError('NOT_FOUND', { details: [{ field: 'number', problem: 'no such visit of yours' }] });
  return visit;
}

export async function cancelVisit(
  deps: MfcVisitDeps,
  citizenId: string,
  number: string,
  /** The frame's `requestId`: the same request again answers the visit as it stands and changes nothing. */
  requestId?: string,
): Promise<Visit> {
  const visit = await ownVisit(deps, citizenId, number);
  const earlier = (): Promise<Visit | undefined> =>
    earlierRequest(
      deps,
      citizenId,
      requestId,
      (request) => request.action === 'cancel' && request.number === visit.number,
    );
  const first = await earlier();
  if (first) return first;
  if (visit.status !== 'booked') throw new ChatError('CONFLICT');
  const outcome = await deps.visits.cancel(visit, requestId);
  if (outcome === 'repeated') return repeated(await earlier());
  if (outcome === 'not_booked') throw new ChatError('CONFLICT');
  const { remindAt: _dropped, ...cancelled } = visit;
  return { ...cancelled, status: 'cancelled' };
}

export async function rescheduleVisit(
  deps: MfcVisitDeps,
  citizenId: string,
  number: string,
  to: { date: string; time: string },
  /** As `cancelVisit`'s. */
  requestId?: string,
): Promise<Visit> {
  const visit = await ownVisit(deps, citizenId, number);
  const earlier = (): Promise<Visit | undefined> =>
    earlierRequest(
      deps,
      citizenId,
      requestId,
      (request) =>
        request.action === 'reschedule' &&
        request.number === visit.number &&
        request.date === to.date &&
        request.time === to.time,
    );
  const first = await earlier();
  if (first) return first;
  if (visit.status !== 'booked') throw new ChatError('CONFLICT');
  if (visit.date === to.date && visit.time === to.time)
    throw new ChatError('BAD_REQUEST', {
      details: [{ field: 'time', problem: 'the visit is already at this time' }],
    });
  const now = deps.clock.now();
  const slot = resolveSlot(
    deps.directory,
    { officeId: visit.officeId, serviceId: visit.serviceId, ...to },
    now,
  );
  const { remindAt: _old, ...rest } = visit;
  const moved: Visit = { ...rest, ...to, startsAt: slot.startsAt.toISOString() };
  const remindAt = reminderTime(moved.startsAt, now, deps.reminderLeadMs);
  if (remindAt) moved.remindAt = remindAt;
  const outcome = await deps.visits.reschedule(visit, moved, slot.places, requestId);
  if (outcome === 'repeated') return repeated(await earlier());
  if (outcome === 'slot_full') throw new ChatError('SLOT_FULL');
  if (outcome === 'not_active') throw new ChatError('CONFLICT');
  return moved;
}

/** The citizen's visits still to come, soonest first, as the client shows them (`ticket.list`). */
export async function listActiveVisits(
  deps: { directory: MfcDirectory; visits: CitizenVisits; clock: Clock },
  citizenId: string,
  lang: Lang,
): Promise<MfcVisitView[]> {
  const now = deps.clock.now();
  return (await deps.visits.upcoming(citizenId, now))
    .filter((visit) => isActiveVisit(visit, now))
    .map((visit) => visitView(deps.directory, visit, lang));
}

const visitPositionSchema = z.object({
  startsAt: z.string().check(z.minLength(1), z.maxLength(64)),
  number: z.string().check(z.minLength(1), z.maxLength(16)),
});

/**
 * `mfc.visits`: a page of the citizen's visits, soonest first (past and cancelled ones too), at most
 * `limit` and at most what fits the frame's budget, with `nextCursor` when more are left. The
 * cursor is sealed for this citizen and this list (docs/protocol.md "Paging"): any other is
 * BAD_REQUEST on `cursor`.
 */
export async function listVisits(
  deps: MfcVisitDeps & { cursors: PagingCursors },
  caller: Caller & { citizenId: string },
  request: { limit: number; cursor?: string },
): Promise<{ visits: MfcVisitView[]; nextCursor?: string }> {
  const scope = cursorScope('mfc.visits', caller);
  const after =
    request.cursor === undefined
      ? undefined
      : await openCursor(deps.cursors, scope, request.cursor, visitPositionSchema);
  const page = await deps.visits.pageByCitizen(caller.citizenId, {
    limit: request.limit,
    ...(after ? { after } : {}),
  });
  const visits: MfcVisitView[] = [];
  let last: VisitPosition | undefined;
  let cut = false;
  for (const visit of page.visits) {
    const view = visitView(deps.directory, visit, caller.lang);
    if (
      visits.length > 0 &&
      jsonBytes({ type: 'mfc.visits', visits: [...visits, view] }) > PAGE_BUDGET_BYTES
    ) {
      cut = true;
      break;
    }
    visits.push(view);
    last = { startsAt: visit.startsAt, number: visit.number };
  }
  const nextCursor = (page.more || cut) && last ? await deps.cursors.seal(scope, last) : undefined;
  return { visits, ...(nextCursor ? { nextCursor } : {}) };
}
