/**
 * What the bot says about a verified citizen's applications ("где мой загранпаспорт", "статус
 * заявления на замену прав"): the applications of the service the message names (or all, newest
 * first, when it names none), each with its number, date, status and next step in words; an honest
 * "not found" with where to look; and, when the registry is down, that it is and what to do meanwhile.
 * The citizen's MFC visits still to come (of the service named, if one is) follow, with their numbers.
 * A guest is not answered here: the bot's guest answer asks them to identify first.
 */
import type { Lang } from '../bot/language.ts';
import type { MfcDirectory } from '../mfc/directory.ts';
import type { MfcMentionReader } from '../mfc/mentions.ts';
import { visitLine } from '../mfc/visit-confirmation.ts';
import { isActiveVisit } from '../mfc/visits.ts';
import {
  type ApplicationStatus,
  type PortalApplication,
  type PortalRegistry,
  RegistryUnavailableError,
} from '../ports/portal-registry.ts';
import type { Clock } from '../ports/system.ts';
import type { CitizenVisits } from '../ports/visits.ts';

/** How many applications one answer lists. */
const LISTED = 3;

const STATUS: Record<ApplicationStatus, { ru: string; en: string }> = {
  received: { ru: 'получено, ждёт рассмотрения', en: 'received, waiting to be reviewed' },
  in_progress: { ru: 'в работе', en: 'in progress' },
  needs_action: { ru: 'нужно ваше действие', en: 'waiting for you' },
  ready: { ru: 'готово, можно получать', en: 'ready to collect' },
  completed: { ru: 'завершено', en: 'completed' },
  rejected: { ru: 'отказ', en: 'rejected' },
};

const MONTHS_RU = 'января февраля марта апреля мая июня июля августа сентября октября ноября декабря'.split(
  ' ',
);
const MONTHS_EN =
  'January February March April May June July August September October November December'.split(' ');

function dateText(iso: string, lang: Lang): string {
  const d = new Date(iso);
  const month = (lang === 'ru' ? MONTHS_RU : MONTHS_EN)[d.getUTCMonth()] ?? '';
  return `${d.getUTCDate()} ${month} ${d.getUTCFullYear()}`;
}

export function applicationText(application: PortalApplication, lang: Lang): string {
  const status = STATUS[application.status][lang];
  return lang === 'ru'
    ? `• «${application.serviceTitle.ru}», заявление № ${application.number} от ${dateText(application.submittedAt, lang)}: ${status}. ${application.nextStep.ru} (${application.handledBy.ru}).`
    : `• "${application.serviceTitle.en}", application No. ${application.number} of ${dateText(application.submittedAt, lang)}: ${status}. ${application.nextStep.en} (${application.handledBy.en}).`;
}

const UNAVAILABLE = {
  ru: 'Сейчас не получается связаться с реестром заявлений портала, поэтому статус я показать не могу. Это временно: попробуйте спросить через несколько минут — или посмотрите статус в личном кабинете, раздел «Заявления». Если вопрос срочный, напишите «оператор».',
  en: 'I cannot reach the portal\'s registry of applications right now, so I cannot show the status. It is temporary: ask again in a few minutes, or see the status in your account under "Applications". If it is urgent, write "operator".',
};

export interface ApplicationAnswerDeps {
  registry: PortalRegistry;
  mentions: MfcMentionReader;
  /** The citizen's MFC visits, listed after the applications; unset: none are mentioned. */
  visits?: { citizenVisits: CitizenVisits; directory: MfcDirectory; clock: Clock };
}

/** The citizen's visits still to come, of `serviceId` when given, as lines under a heading; none: []. */
async function visitLines(
  deps: ApplicationAnswerDeps,
  citizenId: string,
  serviceId: string | undefined,
  lang: Lang,
): Promise<string[]> {
  if (!deps.visits) return [];
  const { citizenVisits, directory, clock } = deps.visits;
  const now = clock.now();
  const ahead = (await citizenVisits.upcoming(citizenId, now)).filter(
    (visit) => isActiveVisit(visit, now) && (serviceId === undefined || visit.serviceId === serviceId),
  );
  if (ahead.length === 0) return [];
  return [
    lang === 'ru' ? 'Ваши записи в МФЦ:' : 'Your MFC visits:',
    ...ahead.map((visit) => visitLine(directory, visit, lang)),
  ];
}

/** The answer for a verified citizen asking about their applications. */
export async function answerApplications(
  deps: ApplicationAnswerDeps,
  citizenId: string,
  text: string,
  lang: Lang,
): Promise<string> {
  const service = deps.mentions.read(text).service;
  const visits = visitLines(deps, citizenId, service?.id, lang);
  visits.catch(() => undefined);
  const withVisits = async (lines: string[]) => [...lines, ...(await visits)].join('\n');
  let applications: PortalApplication[];
  try {
    applications = await deps.registry.applicationsOf(citizenId);
  } catch (error) {
    if (error instanceof RegistryUnavailableError) return withVisits([UNAVAILABLE[lang]]);
    throw error;
  }
  const matching = service ? applications.filter((a) => a.serviceId === service.id) : applications;
  if (matching.length === 0) {
    const about = service ? (lang === 'ru' ? ` на «${service.title.ru}»` : ` for "${service.title.en}"`) : '';
    return withVisits([
      lang === 'ru'
        ? `Заявлений${about} в реестре портала на вашу учётную запись не нашлось. Если вы подавали его в МФЦ недавно, оно появится в течение суток; заявления, поданные на другую учётную запись, здесь не видны.`
        : `I found no applications${about} in the portal's registry for your account. One filed at an MFC recently appears within a day; applications filed under another account are not shown here.`,
    ]);
  }
  const listed = matching.slice(0, LISTED).map((a) => applicationText(a, lang));
  const more = matching.length - listed.length;
  const head = lang === 'ru' ? 'Ваши заявления:' : 'Your applications:';
  const tail =
    more > 0
      ? lang === 'ru'
        ? `И ещё ${more} — все они в личном кабинете, раздел «Заявления».`
        : `And ${more} more: all of them are in your account under "Applications".`
      : undefined;
  return withVisits([head, ...listed, ...(tail ? [tail] : [])]);
}
