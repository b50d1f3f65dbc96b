/**
 * Where the printable checklist of a service is on the web pages' origin: one static page per
 * service and language (checklist-page.ts renders them; web/build.ts builds them with the pages).
 * Apart from the renderer so that what only links a page does not bundle it.
 */
import type { Lang } from '../bot/language.ts';

/** The page's path on the web pages' origin, without the leading slash. */
export function checklistPath(serviceId: string, lang: Lang): string {
  return `mfc/checklist/${serviceId}.${lang}.html`;
}
