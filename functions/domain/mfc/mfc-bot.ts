/**
 * The bot with the MFC directory behind it: it answers "когда работает МФЦ на Тверской", "открыт
 * ли сейчас МФЦ в Находке", "что взять для замены паспорта" from the directory, for the office or
 * service named, on the office's own clock. Wraps the knowledge-base bot (functions/domain/bot):
 *
 * Primary course of `reply`:
 *   1. read the message's mentions: offices, city, service, day (mentions.ts);
 *   2. ask the bot twice — the message as written, and without the words that only name a place or
 *      a date (street names are unknown words to the model and would drown the question) — and
 *      keep the more confident reading;
 *   3. for `mfc.hours`, `mfc.visit`, `documents.how_to_get` and `mfc.booking`, put the directory's facts in the text;
 *      with nothing named, the knowledge base's general answer stands.
 */
import type { Bot, BotReply } from '../bot/index.ts';
import type { Lang } from '../bot/language.ts';
import type { Clock } from '../ports/system.ts';
import { checklistAnswer, hoursAnswer, whereOffered } from './answers.ts';
import type { MfcDirectory, MfcService } from './directory.ts';
import { createMentionReader, type Mentions } from './mentions.ts';

export interface MfcBotOptions {
  clock: Clock;
  /** The printable checklist page of a service, when the web pages' address is known. */
  checklistUrl?: (service: MfcService, lang: Lang) => string | undefined;
}

/** The bot's input, with the moment to answer for (the clock's by default). */
export type MfcBotInput = Parameters<Bot['reply']>[0] & { now?: Date };

export interface MfcBot extends Bot {
  reply(input: MfcBotInput): BotReply;
}

/**
 * What a message that names a portal service can be about. When the message as written reads as
 * something else («поменять права» looks like changing a password), the reading with the service
 * set aside decides.
 */
/**
 * What a message about the citizen's own application of a service asks: its status, what the status
 * means, a rejection, a mistake in it. The service's words («загранпаспорт», "foreign passport") fill the
 * examples of what to bring and how to get the service, so as written such a message can read as those;
 * set aside, the words left («статус моего заявления на …», "status of my … application") are the
 * question. When that reading is about the citizen's application, it decides.
 */
const ABOUT_OWN_APPLICATION = new Set([
  'application.status',
  'application.status_meaning',
  'application.rejected',
  'application.form_errors',
]);

const ABOUT_SERVICES = new Set([
  'mfc.visit',
  'mfc.hours',
  'mfc.booking',
  'documents.how_to_get',
  'application.status',
  'application.status_meaning',
  'application.rejected',
  'application.form_errors',
]);

export function createMfcBot(bot: Bot, directory: MfcDirectory, options: MfcBotOptions): MfcBot {
  const reader = createMentionReader(directory);

  const understand = (input: MfcBotInput, mentions: Mentions): BotReply => {
    const asWritten = bot.reply(input);
    if (mentions.rest === '' || (mentions.offices.length === 0 && !mentions.service && !mentions.day))
      return asWritten;
    const template = bot.reply({ ...input, text: mentions.rest });
    if (asWritten.intent === 'fallback' && template.intent !== 'fallback') return template;
    if (template.intent === 'fallback') return asWritten;
    if (mentions.service && !ABOUT_SERVICES.has(asWritten.intent) && ABOUT_SERVICES.has(template.intent))
      return template;
    if (
      mentions.service &&
      ABOUT_OWN_APPLICATION.has(template.intent) &&
      !ABOUT_OWN_APPLICATION.has(asWritten.intent)
    )
      return template;
    return template.confidence > asWritten.confidence ? template : asWritten;
  };

  const factsFor = (reply: BotReply, mentions: Mentions, now: Date): string | undefined => {
    const { lang } = reply;
    const { service } = mentions;
    if (reply.escalate) return undefined;
    if (reply.intent === 'mfc.hours') return hoursAnswer(directory, mentions, now, lang);
    if (!service) return undefined;
    const checklist = () =>
      checklistAnswer(directory, service, mentions, lang, options.checklistUrl?.(service, lang));
    if (reply.intent === 'mfc.visit') return checklist();
    // How to get it online stays the answer; the MFC's list is what to do in person.
    if (reply.intent === 'documents.how_to_get') return `${reply.text}\n\n${checklist()}`;
    if (reply.intent === 'mfc.booking') {
      const where = whereOffered(directory, mentions, lang);
      return where ? `${reply.text}\n\n${where}` : undefined;
    }
    return undefined;
  };

  return {
    suggest: (prefix, lang) => bot.suggest(prefix, lang),
    handOver: (lang, about) => bot.handOver(lang, about),
    reply(input) {
      const mentions = reader.read(input.text);
      const reply = understand(input, mentions);
      const facts = factsFor(reply, mentions, input.now ?? options.clock.now());
      return facts ? { ...reply, text: facts } : reply;
    },
  };
}
