/**
 * The MFC directory as data: the zod schema of `layers/knowledge-base/mfc/offices.json` (regions
 * with their time zone and holiday calendar, offices with weekly hours, breaks, closures and the
 * windows each service has) and `services.json` (what each service needs: documents, originals or
 * copies, fees, how long a visit takes). Editors change the files; this schema and the cross-checks
 * in `parseMfcDirectory` keep a broken edit from reaching citizens (the loader and `npm test` run it).
 */
import * as z from '#events/zod.ts';

const localizedText = z.strictObject({
  ru: z.string().check(z.trim(), z.minLength(1)),
  en: z.string().check(z.trim(), z.minLength(1)),
});

const isoDate = z.iso.date();
const clockTime = z.string().check(z.regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time like "08:30"'));

const intervalSchema = z
  .strictObject({ open: clockTime, close: clockTime })
  .check(z.refine(({ open, close }) => open < close, 'an interval closes after it opens'));

/** One weekday: the intervals the office is open, in order; the gaps between them are breaks. */
const daySchema = z
  .array(intervalSchema)
  .check(
    z.refine(
      (intervals) =>
        intervals.every((interval, i) => i === 0 || (intervals[i - 1]?.close ?? '') < interval.open),
      'intervals in order, with a break between them',
    ),
  );

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const weekSchema = z.strictObject({
  mon: daySchema,
  tue: daySchema,
  wed: daySchema,
  thu: daySchema,
  fri: daySchema,
  sat: daySchema,
  sun: daySchema,
});

const datedNameSchema = z.strictObject({ date: isoDate, name: localizedText });

/**
 * The time zones the runtime lists (ICU's names), read once. A list, not a formatter: the first
 * `Intl.DateTimeFormat` with a `timeZone` loads the zone's rules and the locale's data (15–30 ms),
 * and the directory is parsed at every cold start of the functions that answer citizens, most of
 * which never compute an office's hours (docs/benchmarks.md, "Eighth pass"). A name the list lacks
 * (`UTC`, a newer IANA name such as `Europe/Kyiv`) is still asked of a formatter, as before.
 */
let listedTimeZones: ReadonlySet<string> | undefined;

function isKnownTimeZone(zone: string): boolean {
  listedTimeZones ??= new Set(Intl.supportedValuesOf('timeZone'));
  if (listedTimeZones.has(zone)) return true;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const timeZoneSchema = z
  .string()
  .check(z.refine(isKnownTimeZone, 'an IANA time zone such as "Asia/Novosibirsk"'));

const regionSchema = z.strictObject({
  id: z.string().check(z.regex(/^[a-z-]+$/)),
  name: localizedText,
  timeZone: timeZoneSchema,
  /** Days every office of the region is closed. */
  holidays: z.array(datedNameSchema),
  /** Pre-holiday days: every office closes this many minutes earlier. */
  shortDays: z.array(z.strictObject({ date: isoDate, minutes: z.int().check(z.gte(1), z.lte(480)) })),
});

const serviceId = z.string().check(z.regex(/^[a-z_]+(\.[a-z_]+)?$/, 'service id like "passport.replace"'));

const officeSchema = z.strictObject({
  id: z.string().check(z.regex(/^[a-z0-9-]+$/, 'office id like "msk-arbat"')),
  region: z.string(),
  city: localizedText,
  name: localizedText,
  address: localizedText,
  /** How citizens name the place besides the city: streets, districts, metro stations (lower case, Russian). */
  landmarks: z.array(z.string().check(z.trim(), z.minLength(3))).check(z.minLength(1)),
  hours: weekSchema,
  /** Services offered, with the number of windows serving each: a slot has that many places. */
  services: z.record(serviceId, z.int().check(z.gte(1), z.lte(20))),
  /** Days this office alone is closed (cleaning, works). */
  closures: z._default(z.array(datedNameSchema), []),
});

const documentSchema = z.strictObject({
  title: localizedText,
  /** What to bring: the original, a copy, or both (the original is shown and the copy kept). */
  form: z.enum(['original', 'copy', 'original_and_copy']),
  note: z.optional(localizedText),
});

const serviceSchema = z.strictObject({
  id: serviceId,
  title: localizedText,
  /** How citizens name the service, several per language: the bot recognises it from these. */
  names: z.strictObject({
    ru: z.array(z.string().check(z.minLength(3))).check(z.minLength(2)),
    en: z.array(z.string().check(z.minLength(3))).check(z.minLength(2)),
  }),
  /** Length of one visit: the step between slots. */
  durationMinutes: z.int().check(z.gte(5), z.lte(120)),
  /** Working days until the result, as the service's rules promise. */
  processingDays: z.int().check(z.gte(0)),
  documents: z.array(documentSchema).check(z.minLength(1)),
  fee: z.nullable(z.strictObject({ amountRub: z.int().check(z.gte(1)), note: localizedText })),
});

export const officesFileSchema = z.strictObject({
  regions: z.array(regionSchema).check(z.minLength(1)),
  offices: z.array(officeSchema).check(z.minLength(1)),
});
export const servicesFileSchema = z.strictObject({ services: z.array(serviceSchema).check(z.minLength(1)) });

export type Region = z.infer<typeof regionSchema>;
export type Office = z.infer<typeof officeSchema>;
export type MfcService = z.infer<typeof serviceSchema>;
export type ServiceDocument = z.infer<typeof documentSchema>;
export type DayIntervals = z.infer<typeof daySchema>;

export interface MfcDirectory {
  readonly regions: ReadonlyMap<string, Region>;
  readonly offices: readonly Office[];
  readonly services: readonly MfcService[];
  office(id: string): Office | undefined;
  service(id: string): MfcService | undefined;
  regionOf(office: Office): Region;
}

/**
 * Validates both files and what no single schema sees: unique ids, every office in a known region
 * and offering only known services, no date listed twice. Throws one error listing every problem.
 */
export function parseMfcDirectory(rawOffices: unknown, rawServices: unknown): MfcDirectory {
  const problems: string[] = [];
  const offices = officesFileSchema.safeParse(rawOffices);
  const services = servicesFileSchema.safeParse(rawServices);
  for (const [file, result] of [
    ['offices.json', offices],
    ['services.json', services],
  ] as const) {
    if (!result.success)
      for (const issue of result.error.issues)
        problems.push(`${file}: ${issue.path.join('.')}: ${issue.message}`);
  }
  if (!offices.success || !services.success)
    throw new Error(`MFC directory is invalid:\n  ${problems.join('\n  ')}`);

  const regions = new Map(offices.data.regions.map((region) => [region.id, region]));
  const serviceById = new Map(services.data.services.map((service) => [service.id, service]));
  const officeById = new Map(offices.data.offices.map((office) => [office.id, office]));
  if (regions.size !== offices.data.regions.length) problems.push('offices.json: a region id is repeated');
  if (serviceById.size !== services.data.services.length)
    problems.push('services.json: a service id is repeated');
  if (officeById.size !== offices.data.offices.length)
    problems.push('offices.json: an office id is repeated');
  for (const region of offices.data.regions) {
    const dates = [...region.holidays.map((h) => h.date), ...region.shortDays.map((d) => d.date)];
    if (new Set(dates).size !== dates.length)
      problems.push(`offices.json: region ${region.id} lists a date twice`);
  }
  for (const office of offices.data.offices) {
    if (!regions.has(office.region))
      problems.push(`offices.json: ${office.id}: unknown region "${office.region}"`);
    const offered = Object.keys(office.services);
    if (offered.length === 0) problems.push(`offices.json: ${office.id}: offers no service`);
    for (const id of offered)
      if (!serviceById.has(id)) problems.push(`offices.json: ${office.id}: unknown service "${id}"`);
  }
  if (problems.length > 0) throw new Error(`MFC directory is invalid:\n  ${problems.join('\n  ')}`);

  return {
    regions,
    offices: offices.data.offices,
    services: services.data.services,
    office: (id) => officeById.get(id),
    service: (id) => serviceById.get(id),
    regionOf(office) {
      const region = regions.get(office.region);
      if (!region) throw new Error(`office ${office.id} has no region`);
      return region;
    },
  };
}
