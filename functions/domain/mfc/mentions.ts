/**
 * What a citizen's message says about the MFC directory: which office (by its city, street,
 * district or metro station), which service («замена паспорта», «загранник», "driving licence"),
 * and which day («сейчас», «завтра», «в субботу», «31 декабря», "on Sunday"). Words are compared as
 * Snowball stems (functions/domain/bot/stem.ts), so «на Тверской», «Тверская улица» and «в
 * Казани» are understood in any grammatical case, and the directory's data, not code, lists the names.
 *
 * The words that only name a place or a date are also reported, so the bot can classify the rest
 * of the message: «когда работает МФЦ на Светланской» is «когда работает МФЦ на» to the intent model.
 */
import { letterCounts, normalizeText, tokenize } from '../bot/normalize.ts';
import { isStopWord, stemWord } from '../bot/stem.ts';
import type { MfcDirectory, MfcService, Office, Weekday } from './directory.ts';

export type DayMention =
  | { kind: 'now' }
  | { kind: 'offset'; days: number }
  | { kind: 'weekday'; weekday: Weekday }
  | { kind: 'date'; month: number; day: number };

export interface Mentions {
  /** Offices the message points at, best first; every office of a city when only the city is named. */
  offices: Office[];
  /** Whether a street, district or station narrowed the offices (not only a city). */
  byLandmark: boolean;
  /** The city named, in both languages. */
  city?: { ru: string; en: string };
  service?: MfcService;
  day?: DayMention;
  /**
   * The message as the intent model should read it (normalised): without the words that only name
   * a place or a date, and with the service's own words replaced by the word «услуга» / "service".
   */
  rest: string;
}

/** Words that name the kind of a place, not the place: dropped when they stand next to a landmark. */
const PLACE_WORDS = new Set(
  'улица ул проспект пр просп район шоссе площадь метро переулок street st avenue ave district road'.split(
    ' ',
  ),
);
/** What a named service becomes for the intent model: its name says which service, not what is asked. */
const SERVICE_RU = 'услуга';
const SERVICE_EN = 'service';
/** Words of the English names and addresses that say nothing about which office it is. */
const NOT_LANDMARKS = new Set(
  'mfc on st ave bldg building hwy district street avenue the of central'.split(' '),
);

const WEEKDAY_STEMS: Array<[string, Weekday]> = [
  ['понедельник', 'mon'],
  ['вторник', 'tue'],
  ['сред', 'wed'],
  ['четверг', 'thu'],
  ['пятниц', 'fri'],
  ['суббот', 'sat'],
  ['воскресен', 'sun'],
  ['monday', 'mon'],
  ['tuesday', 'tue'],
  ['wednesday', 'wed'],
  ['thursday', 'thu'],
  ['friday', 'fri'],
  ['saturday', 'sat'],
  ['sunday', 'sun'],
];
const MONTH_STEMS = [
  ['январ', 'januari', 'jan'],
  ['феврал', 'februari', 'feb'],
  ['март', 'march', 'mar'],
  ['апрел', 'april', 'apr'],
  ['ма', 'may'],
  ['июн', 'june', 'jun'],
  ['июл', 'juli', 'jul'],
  ['август', 'august', 'aug'],
  ['сентябр', 'septemb', 'sep'],
  ['октябр', 'octob', 'oct'],
  ['ноябр', 'novemb', 'nov'],
  ['декабр', 'decemb', 'dec'],
];
const NOW = new Set(['сейчас', 'щас', 'now', 'currently', 'прямо']);
const OFFSETS: Record<string, number> = {
  сегодн: 0,
  today: 0,
  tonight: 0,
  завтр: 1,
  tomorrow: 1,
  послезавтр: 2,
};

/**
 * Two stems name the same word: equal, or differing only in an ending the stemmer left (they share
 * all but the shorter one's last letter: «академгородк» and «академгородок»); a stem shorter than 6
 * letters must be a whole prefix of the other («загра» is «загранник», never «загружается»).
 */
function sameWord(a: string, b: string): boolean {
  if (a === b) return true;
  let common = 0;
  while (common < a.length && common < b.length && a[common] === b[common]) common++;
  const shorter = Math.min(a.length, b.length);
  return common >= 3 && common >= (shorter >= 6 ? shorter - 1 : shorter);
}

const stemsOf = (phrase: string): string[] =>
  tokenize(normalizeText(phrase))
    .filter((word) => !isStopWord(word) && !PLACE_WORDS.has(word))
    .map(stemWord);

interface Phrase<T> {
  stems: string[];
  target: T;
}

/** A word matched only by a shared prefix counts a little less than the same word. */
const PREFIX_MATCH = 0.9;

/**
 * The phrases whose every stem is in the message, with the positions they used and a score: the
 * number of words, an inexact (prefix) one counting a little less, so «Баумана» is the street, not
 * the station «Бауманская».
 */
function matches<T>(
  phrases: readonly Phrase<T>[],
  stems: readonly string[],
): Array<{ target: T; used: number[]; score: number }> {
  const found: Array<{ target: T; used: number[]; score: number }> = [];
  for (const phrase of phrases) {
    const used: number[] = [];
    let score = 0;
    for (const stem of phrase.stems) {
      const exact = stems.findIndex((s, i) => !used.includes(i) && s === stem);
      const at = exact >= 0 ? exact : stems.findIndex((s, i) => !used.includes(i) && sameWord(s, stem));
      if (at < 0) break;
      used.push(at);
      score += exact >= 0 ? 1 : PREFIX_MATCH;
    }
    if (used.length === phrase.stems.length && used.length > 0)
      found.push({ target: phrase.target, used, score });
  }
  return found;
}

export interface MfcMentionReader {
  read(text: string): Mentions;
}

export function createMentionReader(directory: MfcDirectory): MfcMentionReader {
  const landmarks: Phrase<Office>[] = [];
  const cities: Phrase<{ ru: string; en: string }>[] = [];
  const seenCities = new Set<string>();
  for (const office of directory.offices) {
    const cityStems = new Set([...stemsOf(office.city.ru), ...stemsOf(office.city.en)]);
    if (!seenCities.has(office.city.ru)) {
      seenCities.add(office.city.ru);
      for (const name of [office.city.ru, office.city.en])
        cities.push({ stems: stemsOf(name), target: office.city });
    }
    for (const landmark of office.landmarks) landmarks.push({ stems: stemsOf(landmark), target: office });
    const english = [...stemsOf(office.name.en), ...stemsOf(office.address.en)].filter(
      (stem) => !NOT_LANDMARKS.has(stem) && !cityStems.has(stem) && !/^\d/.test(stem) && stem.length > 3,
    );
    for (const stem of new Set(english)) landmarks.push({ stems: [stem], target: office });
  }
  const services: Phrase<MfcService>[] = directory.services.flatMap((service) =>
    [...service.names.ru, ...service.names.en, service.title.ru, service.title.en].map((name) => ({
      stems: stemsOf(name),
      target: service,
    })),
  );

  return {
    read(text) {
      const words = tokenize(normalizeText(text));
      const stems = words.map(stemWord);
      const placeAt = new Set<number>();

      const cityHits = matches(cities, stems);
      const city = cityHits[0]?.target;
      for (const hit of cityHits) for (const i of hit.used) placeAt.add(i);

      // An office scores by the longest of its landmarks the message names.
      const scores = new Map<Office, number>();
      for (const hit of matches(landmarks, stems)) {
        if (city && hit.target.city.ru !== city.ru) continue;
        scores.set(hit.target, Math.max(scores.get(hit.target) ?? 0, hit.score));
        for (const i of hit.used) placeAt.add(i);
      }
      const best = Math.max(0, ...scores.values());
      const byLandmark = best > 0;
      const offices = byLandmark
        ? [...scores].filter(([, score]) => score === best).map(([office]) => office)
        : city
          ? directory.offices.filter((office) => office.city.ru === city.ru)
          : [];

      const serviceHits = matches(services, stems).sort((a, b) => b.score - a.score);
      const service = serviceHits[0]?.target;
      // Every word of every name of that service the message used: «замены паспорта в 45 лет».
      const serviceAt = new Set(
        serviceHits.filter((hit) => hit.target === service).flatMap((hit) => hit.used),
      );

      const day = readDay(words, stems, placeAt);
      if (placeAt.size > 0)
        words.forEach((word, i) => {
          if (PLACE_WORDS.has(word) && (placeAt.has(i - 1) || placeAt.has(i + 1))) placeAt.add(i);
        });
      const placeholder = letterCounts(text).cyrillic > 0 ? SERVICE_RU : SERVICE_EN;
      const rest = words
        .map((word, i) => (serviceAt.has(i) ? (i === Math.min(...serviceAt) ? placeholder : '') : word))
        .filter((word, i) => word !== '' && !placeAt.has(i))
        .join(' ');
      return {
        offices,
        byLandmark,
        ...(city ? { city } : {}),
        ...(service ? { service } : {}),
        ...(day ? { day } : {}),
        rest,
      };
    },
  };
}

/** The day the message asks about; marks the words naming it (all but "now") as not the question's. */
function readDay(
  words: readonly string[],
  stems: readonly string[],
  dateAt: Set<number>,
): DayMention | undefined {
  for (const [i, word] of words.entries()) {
    const stem = stems[i] ?? word;
    const number = /^\d{1,2}$/.test(word) ? Number(word) : undefined;
    const month = MONTH_STEMS.findIndex((forms) => forms.includes(stem) || forms.includes(word));
    if (number !== undefined && number >= 1 && number <= 31) {
      const after = MONTH_STEMS.findIndex((forms) => forms.includes(stems[i + 1] ?? ''));
      if (after >= 0) {
        dateAt.add(i).add(i + 1);
        return { kind: 'date', month: after + 1, day: number };
      }
    }
    if (month >= 0 && month !== 4) {
      const before = /^\d{1,2}$/.test(words[i - 1] ?? '') ? Number(words[i - 1]) : undefined;
      const after = /^\d{1,2}$/.test(words[i + 1] ?? '') ? Number(words[i + 1]) : undefined;
      const day = before ?? after;
      if (day !== undefined && day >= 1 && day <= 31) {
        dateAt.add(i).add(before !== undefined ? i - 1 : i + 1);
        return { kind: 'date', month: month + 1, day };
      }
    }
    const numeric = /^(\d{1,2})\s(\d{1,2})$/.exec(`${word} ${words[i + 1] ?? ''}`);
    if (numeric && Number(numeric[2]) >= 1 && Number(numeric[2]) <= 12 && Number(numeric[1]) <= 31) {
      dateAt.add(i).add(i + 1);
      return { kind: 'date', month: Number(numeric[2]), day: Number(numeric[1]) };
    }
  }
  for (const [i, stem] of stems.entries()) {
    if (NOW.has(words[i] ?? '')) return { kind: 'now' };
    const offset = Object.entries(OFFSETS).find(([key]) => stem === key || (words[i] ?? '').startsWith(key));
    if (offset) {
      dateAt.add(i);
      return { kind: 'offset', days: offset[1] };
    }
    const weekday = WEEKDAY_STEMS.find(([key]) => stem.startsWith(key) || (words[i] ?? '').startsWith(key));
    if (weekday) {
      dateAt.add(i);
      return { kind: 'weekday', weekday: weekday[1] };
    }
  }
  return undefined;
}
