/**
 * Mobile phone numbers: validation and E.164 normalisation with libphonenumber-js (Google's
 * libphonenumber rules), over the library's *mobile* metadata (a number is valid only when it can
 * be a mobile number: an SMS can reach it) cut down to `PHONE_COUNTRIES`.
 *
 * Why a subset: the whole mobile metadata (~100 KB) would put the handlers over the 250 KB bundle
 * budget (docs/requirements.md#numbers). The portal's citizens use Russian numbers and those of neighbouring countries;
 * a number of another country is refused (BAD_REQUEST) and can be identified by e-mail. To add a
 * country, add it here and run `node --import tsx test/support/generate-phone-metadata.ts`;
 * `phone-numbers.test.ts` fails when the committed subset drifts from the installed library.
 */
import { type MetadataJson, parsePhoneNumberFromString } from 'libphonenumber-js/core';
import metadata from './phone-metadata.json' with { type: 'json' };

/** Countries whose mobile numbers are accepted (ISO 3166-1 alpha-2). */
export const PHONE_COUNTRIES = [
  'RU',
  'KZ',
  'BY',
  'UA',
  'UZ',
  'KG',
  'TJ',
  'TM',
  'AM',
  'AZ',
  'GE',
  'MD',
] as const;

/** Numbers written without a country code are Russian ones. */
const DEFAULT_COUNTRY = 'RU';

/** The metadata of `countries` only, from the library's full metadata `full`. */
export function metadataSubset(full: MetadataJson, countries: readonly string[]): MetadataJson {
  const keep = new Set(countries);
  const callingCodes = Object.fromEntries(
    Object.entries(full.country_calling_codes)
      .map(([code, list]) => [code, list.filter((country) => keep.has(country))] as const)
      .filter(([, list]) => list.length > 0),
  );
  const kept = Object.fromEntries(Object.entries(full.countries).filter(([country]) => keep.has(country)));
  return { ...full, country_calling_codes: callingCodes, countries: kept, nonGeographic: {} } as MetadataJson;
}

const phoneMetadata = metadata as unknown as MetadataJson;

/** The E.164 form of a valid mobile number of `PHONE_COUNTRIES`, or undefined. */
export function normaliseMobileNumber(text: string): string | undefined {
  const phone = parsePhoneNumberFromString(text.trim(), DEFAULT_COUNTRY, phoneMetadata);
  return phone?.isValid() ? phone.number : undefined;
}

/** The country calling code of an E.164 number (`+7`), for masking. */
export function callingCodeOf(e164: string): string {
  const phone = parsePhoneNumberFromString(e164, phoneMetadata);
  return phone ? `+${phone.countryCallingCode}` : '+';
}
