/**
 * The Russian ЙЦУКЕН and the English QWERTY layouts share the keys, so a citizen who forgot to
 * switch types «pf,sk gfhjkm» for «забыл пароль» (and «ш ащкпще» for "i forgot"). These pure
 * functions map a text key by key to the other layout; whether the mapped text makes more sense is
 * decided elsewhere, with the vocabulary (see language.ts).
 */

const LATIN_KEYS = '`qwertyuiop[]asdfghjkl;\'zxcvbnm,.~QWERTYUIOP{}ASDFGHJKL:"ZXCVBNM<>';
const CYRILLIC_KEYS = 'ёйцукенгшщзхъфывапролджэячсмитьбюЁЙЦУКЕНГШЩЗХЪФЫВАПРОЛДЖЭЯЧСМИТЬБЮ';

function buildMap(from: string, to: string): Map<string, string> {
  const map = new Map<string, string>();
  for (let i = 0; i < from.length; i++) map.set(from.charAt(i), to.charAt(i));
  return map;
}

const latinToCyrillic = buildMap(LATIN_KEYS, CYRILLIC_KEYS);
const cyrillicToLatin = buildMap(CYRILLIC_KEYS, LATIN_KEYS);

function remap(text: string, map: Map<string, string>): string {
  let out = '';
  for (const ch of text) out += map.get(ch) ?? ch;
  return out;
}

/** «pf,sk gfhjkm» → «забыл пароль». */
export function latinLayoutToCyrillic(text: string): string {
  return remap(text, latinToCyrillic);
}

/** «ш ащкпще» → «i forgot». */
export function cyrillicLayoutToLatin(text: string): string {
  return remap(text, cyrillicToLatin);
}
