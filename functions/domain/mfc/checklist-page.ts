/**
 * The printable checklist of a service: what to bring (each line with a box to tick), the fee, how
 * long the visit and the result take, and the offices that offer it, by city. A static page per
 * service and language, built with the web pages (web/build.ts), so it is served where they are:
 * by the local stack's HTTP side and, in AWS, by the Web stack (S3 behind CloudFront). Text goes
 * in escaped: the directory is data edited by people.
 */
import type { Lang } from '../bot/language.ts';
import type { MfcDirectory, MfcService } from './directory.ts';

export { checklistPath } from './checklist-path.ts';

import { escapeHtml } from '../html-text.ts';
import { documentLines, feeText, visitText, weekText } from './wording.ts';

const WORDS = {
  ru: {
    title: 'Что взять в МФЦ',
    bring: 'Взять с собой',
    fee: 'Оплата',
    where: 'Где оказывают',
    print: 'Распечатайте страницу (Ctrl+P) и отметьте, что уже собрали.',
    portal: 'Госуслуги',
  },
  en: {
    title: 'What to bring to the MFC',
    bring: 'Bring with you',
    fee: 'Payment',
    where: 'Where it is offered',
    print: 'Print this page (Ctrl+P) and tick off what you have.',
    portal: 'Gosuslugi',
  },
} as const;

export function renderChecklistPage(directory: MfcDirectory, service: MfcService, lang: Lang): string {
  const w = WORDS[lang];
  const items = documentLines(service, lang)
    .map((line) => `      <li>${escapeHtml(line.replace(/^• /, ''))}</li>`)
    .join('\n');
  const byCity = new Map<string, string[]>();
  for (const office of directory.offices.filter((o) => service.id in o.services)) {
    const city = office.city[lang];
    const line = `${office.name[lang]} — ${office.address[lang]}. ${weekText(office, lang)}`;
    byCity.set(city, [...(byCity.get(city) ?? []), line]);
  }
  const offices = [...byCity]
    .map(
      ([city, lines]) =>
        `      <h3>${escapeHtml(city)}</h3>\n      <ul>\n${lines.map((l) => `        <li>${escapeHtml(l)}</li>`).join('\n')}\n      </ul>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="${lang}">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${escapeHtml(`${w.title}: ${service.title[lang]}`)} — ${w.portal}</title>
  <link rel="stylesheet" href="/portal.css">
</head>
<body>
  <main class="checklist">
    <h1>${escapeHtml(service.title[lang])}</h1>
    <p>${escapeHtml(w.print)}</p>
    <h2>${w.bring}</h2>
    <ul class="checklist-items">
${items}
    </ul>
    <h2>${w.fee}</h2>
    <p>${escapeHtml(feeText(service, lang))}</p>
    <p>${escapeHtml(visitText(service, lang))}</p>
    <section>
      <h2>${w.where}</h2>
${offices}
    </section>
  </main>
</body>
</html>
`;
}
