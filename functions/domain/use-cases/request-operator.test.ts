import { describe, expect, it } from 'vitest';
import { loadKnowledgeBase } from '#adapters/knowledge-base.ts';
import { repoPath } from '../../../infra/paths.ts';
import { createBot } from '../bot/index.ts';
import { categoryOf } from '../escalations.ts';
import { requestCategory } from './request-operator.ts';

const bot = createBot(loadKnowledgeBase(repoPath('layers/knowledge-base/kb')));

/** The category `operator.request` queues a conversation in, after the bot's last intent. */
const categoryAfter = (lastBotIntent: string | undefined, previous?: 'legal') =>
  requestCategory(
    categoryOf(bot.handOver('ru', lastBotIntent).category),
    previous
      ? {
          escalation: {
            seq: 3,
            event: {
              conversationId: 'conv-1',
              sessionId: 'session-1',
              attempt: 1,
              category: previous,
              reason: 'operator_only',
              intake: { problem: 'жалоба' },
              lang: 'ru',
              escalatedAt: '2026-11-25T10:00:00.000Z',
            },
          },
        }
      : {},
  );

describe('the queue of operator.request', () => {
  it('follows the topic the bot last recognised, as when the bot hands over on its own', () => {
    expect(bot.reply({ text: 'не могу войти в личный кабинет', lang: 'ru' }).category).toBe('auth');
    expect(categoryAfter('auth.password_reset')).toBe('auth');
    expect(categoryAfter('mfc.booking')).toBe('mfc');
  });

  it('falls back to the previous escalation’s category, then to general, when no topic was recognised', () => {
    expect(categoryAfter(undefined)).toBe('general');
    expect(categoryAfter('greeting')).toBe('general');
    expect(categoryAfter('fallback')).toBe('general');
    expect(categoryAfter('support.operator', 'legal')).toBe('legal');
    expect(categoryAfter('no.such.intent')).toBe('general');
  });

  it('keeps the handover message and intent whatever the topic', () => {
    const plain = bot.handOver('ru');
    const aboutSignIn = bot.handOver('ru', 'auth.password_reset');
    expect(aboutSignIn).toMatchObject({ intent: 'support.operator', text: plain.text, escalate: true });
  });
});
