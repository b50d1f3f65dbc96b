/**
 * The one place a bot job is built, for both of its producers: `message.send` right after the
 * commit (the fast path) and the bot outbox from the stored message. Both build
 * the same job from the same facts, so SQS FIFO deduplication (group = conversation, deduplication
 * id = message id) makes the two sends one job.
 */
import type { BotJob } from '#events/bot-job.ts';
import type { Lang } from '#events/lang.ts';
import type { StoredMessage } from './messages.ts';

/** The stored message a job names. */
export type BotJobMessage = Pick<StoredMessage, 'conversationId' | 'messageId' | 'seq'>;

/** Whose message it is: the session whose connections get the reply, in its language. */
export interface BotJobCitizen {
  sessionId: string;
  lang: Lang;
}

export function botJobFor(message: BotJobMessage, citizen: BotJobCitizen): BotJob {
  return {
    conversationId: message.conversationId,
    messageId: message.messageId,
    seq: message.seq,
    sessionId: citizen.sessionId,
    lang: citizen.lang,
  };
}
