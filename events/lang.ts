/**
 * The session languages of docs/protocol.md. Every part that speaks to a citizen (error messages, the
 * bot) picks its text by this value.
 */
import * as z from './zod.ts';

export const langSchema = z.enum(['ru', 'en']);
export type Lang = z.infer<typeof langSchema>;

/** Russian is the portal's default; anything that is not a supported language falls back to it. */
export const DEFAULT_LANG: Lang = 'ru';

export function langOrDefault(value: unknown): Lang {
  const parsed = langSchema.safeParse(value);
  return parsed.success ? parsed.data : DEFAULT_LANG;
}
