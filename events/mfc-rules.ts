/**
 * The rules of MFC visits a client needs to know (docs/protocol.md, "MFC offices and visits"),
 * without zod: the backend's checks (functions/domain/mfc/visits.ts) and the widget's slot picker
 * (web/widget/visits.ts) read the same horizon and the same limit, and the widget's bundle does not
 * carry a schema library for two numbers.
 */

/** How far ahead a visit can be booked, in days of the office's calendar (today + 30). */
export const MFC_BOOKING_HORIZON_DAYS = 30;

/** A citizen holds at most this many booked visits per service still ahead (`VISIT_LIMIT`). */
export const MFC_VISITS_PER_SERVICE = 2;
