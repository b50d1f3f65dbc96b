/**
 * Text length as the citizen sees it: Unicode code points, so an emoji or a letter outside the
 * Basic Multilingual Plane counts as one character, not two UTF-16 units.
 */

/** Whether `text` has more than `max` characters; stops counting as soon as it knows. */
export function exceedsCharacters(text: string, max: number): boolean {
  // Fast path: a string of at most `max` UTF-16 units cannot have more code points.
  if (text.length <= max) return false;
  let count = 0;
  for (const _ of text) {
    count++;
    if (count > max) return true;
  }
  return false;
}
