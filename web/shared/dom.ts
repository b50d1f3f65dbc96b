/**
 * Building elements without HTML strings: every text goes in through `textContent` (a text node),
 * so nothing a citizen or an operator types is ever interpreted as markup.
 */
type Child = Node | string | number | false | null | undefined;
type Attributes = Record<string, string | number | boolean | undefined | null | EventListener>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (typeof value === 'function') element.addEventListener(name.replace(/^on/, ''), value);
    else if (value === true) element.setAttribute(name, '');
    else element.setAttribute(name, String(value));
  }
  append(element, children);
  return element;
}

export function append(parent: Node, children: (Child | Child[])[]): void {
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
}

/** Replaces the children of `parent`. */
export function replace(parent: Node, ...children: (Child | Child[])[]): void {
  while (parent.firstChild) parent.removeChild(parent.firstChild);
  append(parent, children);
}

export function formatTime(iso: string, lang: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? iso
    : date.toLocaleString(lang === 'en' ? 'en-GB' : 'ru-RU', { dateStyle: 'short', timeStyle: 'short' });
}

export function uuid(): string {
  return crypto.randomUUID();
}

/** A web address in a message: up to a space or a quote; closing punctuation after it is not part of it. */
const WEB_ADDRESS = /\bhttps?:\/\/[^\s<>"'«»]+/gi;
const TRAILING = /[.,;:!?)\]»]+$/;

/** An address without the punctuation that closes the sentence; a «)» it opened itself stays. */
function withoutTrailing(address: string): string {
  let end = address.replace(TRAILING, '');
  while (address.length > end.length && address[end.length] === ')') {
    const opened = end.split('(').length - end.split(')').length;
    if (opened <= 0) break;
    end += ')';
  }
  return end;
}

/**
 * The text with its http(s) addresses as links that open in a new tab (`rel="noopener noreferrer"`),
 * the rest as text: nothing in it is read as markup, and no other scheme (`javascript:`, `data:`)
 * ever becomes a link.
 */
export function linkified(text: string): Child[] {
  const parts: Child[] = [];
  let from = 0;
  for (const match of text.matchAll(WEB_ADDRESS)) {
    const address = withoutTrailing(match[0]);
    let url: URL;
    try {
      url = new URL(address);
    } catch {
      continue;
    }
    // `https://gosuslugi.ru@evil.example/` reads as the portal and leads elsewhere: it stays text.
    if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password) continue;
    parts.push(text.slice(from, match.index));
    parts.push(h('a', { href: url.href, target: '_blank', rel: 'noopener noreferrer' }, address));
    from = match.index + address.length;
  }
  parts.push(text.slice(from));
  return parts.filter((part) => part !== '');
}
