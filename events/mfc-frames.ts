/**
 * Frames of MFC offices and visits (docs/protocol.md, "MFC offices and visits"; this backend's
 * extension): `mfc.offices`, `mfc.slots`, `mfc.book`, `mfc.cancel`, `mfc.reschedule`, `mfc.visits`,
 * and their answers `mfc.offices`, `mfc.slots`, `mfc.visit`, `mfc.visits`.
 */
import { frameEnvelopeSchema, pagingCursorSchema } from './client-frames.ts';
import * as z from './zod.ts';

const officeIdSchema = z.string().check(z.regex(/^[a-z0-9-]{1,64}$/, 'an office id from mfc.offices'));
const serviceIdSchema = z
  .string()
  .check(z.regex(/^[a-z_]+(\.[a-z_]+)?$/, 'a service id from mfc.offices'), z.maxLength(64));
const dateSchema = z.iso.date();
const timeSchema = z
  .string()
  .check(z.regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time like "09:30" (the office’s local time)'));
const visitNumberSchema = z.string().check(z.trim(), z.minLength(1), z.maxLength(16));

export const mfcOfficesFrameSchema = z.extend(frameEnvelopeSchema, {
  action: z.literal('mfc.offices'),
  /** The city's name in either language, any case («казань», "Kazan"). */
  city: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(100))),
  serviceId: z.optional(serviceIdSchema),
});

export const mfcSlotsFrameSchema = z.extend(frameEnvelopeSchema, {
  action: z.literal('mfc.slots'),
  officeId: officeIdSchema,
  serviceId: serviceIdSchema,
  date: dateSchema,
});

export const mfcBookFrameSchema = z.extend(frameEnvelopeSchema, {
  action: z.literal('mfc.book'),
  officeId: officeIdSchema,
  serviceId: serviceIdSchema,
  date: dateSchema,
  time: timeSchema,
});

export const mfcCancelFrameSchema = z.extend(frameEnvelopeSchema, {
  action: z.literal('mfc.cancel'),
  number: visitNumberSchema,
});

export const mfcRescheduleFrameSchema = z.extend(frameEnvelopeSchema, {
  action: z.literal('mfc.reschedule'),
  number: visitNumberSchema,
  date: dateSchema,
  time: timeSchema,
});

/** `mfc.visits` answers at most this many visits a page, and this many when no `limit` is given. */
export const MFC_VISITS_MAX_LIMIT = 100;

export const mfcVisitsFrameSchema = z.extend(frameEnvelopeSchema, {
  action: z.literal('mfc.visits'),
  /** Page size (extension): 1–100, default 100 (what one answer held before paging). */
  limit: z._default(z.int().check(z.gte(1), z.lte(MFC_VISITS_MAX_LIMIT)), MFC_VISITS_MAX_LIMIT),
  /** The `nextCursor` of the previous page (extension); absent: the first page. */
  cursor: z.optional(pagingCursorSchema),
});

/** Every MFC request frame: the one route function parses them as one union. */
export const mfcFrameSchema = z.discriminatedUnion('action', [
  mfcOfficesFrameSchema,
  mfcSlotsFrameSchema,
  mfcBookFrameSchema,
  mfcCancelFrameSchema,
  mfcRescheduleFrameSchema,
  mfcVisitsFrameSchema,
]);
export type MfcFrame = z.infer<typeof mfcFrameSchema>;

export interface MfcOfficeSummary {
  officeId: string;
  name: string;
  city: string;
  address: string;
  timeZone: string;
  /** The weekly hours in words, in the session language. */
  hours: string;
  /**
   * Today on the office's own clock (an extension, for the widget's office list): its date, the
   * day's hours in words (a holiday or a shortened day said as such), and whether it is open at
   * the moment of the answer.
   */
  today: { date: string; hours: string; openNow: boolean };
  services: Array<{ serviceId: string; title: string; windows: number }>;
}

export interface MfcOfficesFrame {
  type: 'mfc.offices';
  requestId?: string;
  offices: MfcOfficeSummary[];
}

export interface MfcSlotsFrame {
  type: 'mfc.slots';
  requestId?: string;
  officeId: string;
  serviceId: string;
  date: string;
  timeZone: string;
  /** The slots still ahead, each with its free places (0: full). Empty on a closed day. */
  slots: Array<{ time: string; free: number }>;
}

export interface MfcVisitView {
  number: string;
  status: 'booked' | 'cancelled';
  officeId: string;
  officeName: string;
  address: string;
  serviceId: string;
  serviceTitle: string;
  /** The office's local date and time, and the instant. */
  date: string;
  time: string;
  startsAt: string;
  /** The path of the service's printable checklist on the web pages' origin. */
  checklistPath: string;
}

export interface MfcVisitFrame {
  type: 'mfc.visit';
  requestId?: string;
  visit: MfcVisitView;
}

export interface MfcVisitsFrame {
  type: 'mfc.visits';
  requestId?: string;
  visits: MfcVisitView[];
  /** When more visits are left (extension): send `mfc.visits` again with `cursor` = this. */
  nextCursor?: string;
}

export type MfcAnswerFrame = MfcOfficesFrame | MfcSlotsFrame | MfcVisitFrame | MfcVisitsFrame;
