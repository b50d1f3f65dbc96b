/**
 * The ports of MFC visits: where bookings are kept (places per slot and active visits per citizen
 * and service are counted there, by conditional writes, so concurrent bookings never overfill a
 * slot), and the reminders due (a visit's `remindAt`, which a scheduled job reads: EventBridge
 * Scheduler in AWS, local/schedules.ts on the local stack).
 */
import type { Visit } from '../mfc/visits.ts';

/** `repeated`: the citizen's same booking request (its `requestId`) was booked before. */
export type BookOutcome = 'booked' | 'slot_full' | 'limit_reached' | 'number_taken' | 'repeated';
export type RescheduleOutcome = 'rescheduled' | 'slot_full' | 'not_active';

/** A citizen's visits, as listed to them (`mfc.visits`, `ticket.list`, the bot's answer). */
export interface CitizenVisits {
  /** The citizen's visits, soonest first (cancelled and past ones too). */
  listByCitizen(citizenId: string): Promise<Visit[]>;
}

export interface VisitRepository extends CitizenVisits {
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
  /** The visit the citizen's booking request `requestId` booked, while that is remembered (a day). */
  bookedByRequest(citizenId: string, requestId: string): Promise<Visit | undefined>;
  get(number: string): Promise<Visit | undefined>;
  /** Cancels a booked visit and gives its place and the citizen's quota back; false when not booked. */
  cancel(visit: Visit): Promise<boolean>;
  /** Moves a booked visit to another slot of the same office and service, all or nothing. */
  reschedule(
    visit: Visit,
    to: Pick<Visit, 'date' | 'time' | 'startsAt' | 'remindAt'>,
    places: number,
  ): Promise<RescheduleOutcome>;
}

/** The reminders the scheduled job sends (`remindAt` of booked visits). */
export interface DueReminders {
  /** Booked visits whose reminder is due at `now` (due since at most a day): oldest first. */
  due(now: Date): Promise<Visit[]>;
  /** Marks the reminder sent, unless the visit changed since it was read; false then. */
  markSent(visit: Visit, at: Date): Promise<boolean>;
}
