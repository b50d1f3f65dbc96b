/**
 * The ports of MFC visits: where bookings are kept (places per slot and active visits per citizen
 * and service are counted there, by conditional writes, so concurrent bookings never overfill a
 * slot), and the reminders due (a visit's `remindAt`, which a scheduled job reads: EventBridge
 * Scheduler in AWS, local/schedules.ts on the local stack).
 */
import type { Visit } from '../mfc/visits.ts';

/** `repeated`: the citizen's same booking request (its `requestId`) was booked before. */
export type BookOutcome = 'booked' | 'slot_full' | 'limit_reached' | 'number_taken' | 'repeated';
/** `repeated`: the citizen's same request (its `requestId`) was carried out before. */
export type CancelOutcome = 'cancelled' | 'not_booked' | 'repeated';
export type RescheduleOutcome = 'rescheduled' | 'slot_full' | 'not_active' | 'repeated';

/**
 * What a citizen's frame with a `requestId` changed (`mfc.book`, `mfc.cancel`, `mfc.reschedule`),
 * remembered a day with the change, so that the same frame again changes nothing.
 */
export type VisitRequest =
  | { action: 'book' | 'cancel'; number: string }
  | { action: 'reschedule'; number: string; date: string; time: string };

/** A citizen's visits still to come, as mentioned to them (`ticket.list`'s `visits`, the bot's answer). */
export interface CitizenVisits {
  /**
   * The citizen's booked visits starting after `now`, soonest first: all of them (at most
   * `ACTIVE_VISITS_PER_SERVICE` per service; the past and cancelled ones are not read).
   */
  upcoming(citizenId: string, now: Date): Promise<Visit[]>;
}

/** Where a page of a citizen's visits ended (the next starts after it). */
export interface VisitPosition {
  startsAt: string;
  number: string;
}

export interface VisitRepository extends CitizenVisits {
  /**
   * A page of the citizen's visits, soonest first (cancelled and past ones too), after `after`:
   * at most `limit`; `more` when some are left.
   */
  pageByCitizen(
    citizenId: string,
    query: { limit: number; after?: VisitPosition },
  ): Promise<{ visits: Visit[]; more: boolean }>;
  /** Places taken in the given slots of a day (time → count); slots nobody booked are absent. */
  takenPlaces(
    officeId: string,
    serviceId: string,
    date: string,
    times: readonly string[],
  ): Promise<Map<string, number>>;
  /**
   * Stores the visit, takes a place of its slot (at most `places`) and one of the citizen's active
   * visits for the service (at most `perCitizen`), all or nothing.
   */
  book(
    visit: Visit,
    limits: { places: number; perCitizen: number },
    /** The citizen's `requestId` of the frame: remembered with the visit, so a retried frame books nothing. */
    requestId?: string,
  ): Promise<BookOutcome>;
  /** What the citizen's frame with `requestId` changed, while that is remembered (a day). */
  requested(citizenId: string, requestId: string): Promise<VisitRequest | undefined>;
  get(number: string): Promise<Visit | undefined>;
  /**
   * Cancels a booked visit and gives its place and the citizen's quota back, all or nothing;
   * `not_booked` when it is not booked any more. With a `requestId`, remembered in the same
   * transaction: `repeated` when that request was carried out before.
   */
  cancel(visit: Visit, requestId?: string): Promise<CancelOutcome>;
  /** Moves a booked visit to another slot of the same office and service, all or nothing (`requestId`: as `cancel`). */
  reschedule(
    visit: Visit,
    to: Pick<Visit, 'date' | 'time' | 'startsAt' | 'remindAt'>,
    places: number,
    requestId?: string,
  ): Promise<RescheduleOutcome>;
}

/** The reminders the scheduled job sends (`remindAt` of booked visits). */
export interface DueReminders {
  /** Booked visits whose reminder is due at `now` (due since at most a day): oldest first. */
  due(now: Date): Promise<Visit[]>;
  /** Marks the reminder sent, unless the visit changed since it was read; false then. */
  markSent(visit: Visit, at: Date): Promise<boolean>;
}
