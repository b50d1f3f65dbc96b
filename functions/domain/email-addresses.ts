/**
 * One mailbox, one identity: the canonical form of an e-mail address, used for everything that
 * counts or identifies by e-mail (the per-destination code limits and the citizen id), never for
 * sending (the code goes to the address as typed). Without it, `Ivan@x.ru`, `ivan@x.ru` and
 * `ivan+1@gmail.com` were three destinations with five codes an hour each, and three citizens.
 *
 * The rules (docs/architecture.md, "Identification"), conservative: a rule merges two spellings only
 * where the provider documents that they reach the same mailbox, because merging two real
 * mailboxes would give one person the other's tickets.
 *  - Everywhere: trimmed, the whole address lower-cased. RFC 5321 lets a server treat the local part
 *    as case-sensitive; no provider our citizens use does, and a case variant must not be a new
 *    citizen.
 *  - Gmail (`gmail.com`, `googlemail.com` → `gmail.com`): dots in the local part are ignored and
 *    `+tag` is dropped.
 *  - Yandex (`yandex.ru`, `ya.ru`, `yandex.com`, `yandex.by`, `yandex.kz`, `yandex.ua` →
 *    `yandex.ru`): one mailbox answers on every domain, a dot and a hyphen in the login are the
 *    same character (→ `-`), and `+tag` is dropped.
 *  - Microsoft (`outlook.com`, `hotmail.com`, `live.com`) and Apple (`icloud.com`, `me.com`,
 *    `mac.com`): `+tag` is dropped (their logins cannot contain `+`); dots are kept, the domains are
 *    not merged (each is its own mailbox).
 *  - Mail.ru (`mail.ru`, `inbox.ru`, `list.ru`, `bk.ru`) and every other domain: nothing more. A dot
 *    is part of a Mail.ru login, the four domains are four mailboxes, and on an unknown server `+`
 *    may be part of the name.
 */

const GMAIL = new Set(['gmail.com', 'googlemail.com']);
const YANDEX = new Set(['yandex.ru', 'ya.ru', 'yandex.com', 'yandex.by', 'yandex.kz', 'yandex.ua']);
const PLUS_TAGS_ONLY = new Set(['outlook.com', 'hotmail.com', 'live.com', 'icloud.com', 'me.com', 'mac.com']);

/** The canonical form of a valid e-mail address (see the rules above). Holds personal data. */
export function canonicalEmail(email: string): string {
  const address = email.trim().toLowerCase();
  const at = address.lastIndexOf('@');
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  const untagged = local.split('+')[0] || local;
  if (GMAIL.has(domain)) return `${untagged.replaceAll('.', '')}@gmail.com`;
  if (YANDEX.has(domain)) return `${untagged.replaceAll('.', '-')}@yandex.ru`;
  if (PLUS_TAGS_ONLY.has(domain)) return `${untagged}@${domain}`;
  return `${local}@${domain}`;
}
