import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadKnowledgeBase } from '#adapters/knowledge-base.ts';
import { thrownBy } from '../../../test/support/chat-errors.ts';
import { createBot } from '../bot/index.ts';
import { MAX_SUGGEST_PREFIX_LENGTH, suggestIntents } from './suggest-intents.ts';

// Prepare (shared): the shipped knowledge base, as the Suggest function loads it.
const kb = loadKnowledgeBase(join(import.meta.dirname, '..', '..', '..', 'layers', 'knowledge-base', 'kb'));
const deps = { bot: createBot(kb) };

describe('suggestions while the citizen types', () => {
  it('offers at most 3 intents, the password reset first, for «забыл па»', () => {
    // Act
    const frame = suggestIntents(deps, { prefix: 'забыл па', lang: 'ru' });

    // Assess
    expect(frame.type).toBe('suggestions');
    expect(frame.items.length).toBeGreaterThan(0);
    expect(frame.items.length).toBeLessThanOrEqual(3);
    expect(frame.items[0]).toEqual({ intent: 'auth.password_reset', title: 'Восстановить пароль' });
  });

  it('reads the prefix without the spaces around it', () => {
    // Act
    const padded = suggestIntents(deps, { prefix: '  забыл па \n', lang: 'ru' });

    // Assess
    expect(padded).toEqual(suggestIntents(deps, { prefix: 'забыл па', lang: 'ru' }));
  });

  it.each(['', '   ', '\n\t'])('answers an empty list for the empty or blank prefix %j', (prefix) => {
    // Act
    const frame = suggestIntents(deps, { prefix, lang: 'ru' });

    // Assess
    expect(frame).toEqual({ type: 'suggestions', items: [] });
  });

  it('accepts a prefix of exactly 200 characters, counting an emoji as one', () => {
    // Prepare
    const prefix = '🙂'.repeat(MAX_SUGGEST_PREFIX_LENGTH);

    // Act + Assess
    expect(() => suggestIntents(deps, { prefix, lang: 'ru' })).not.toThrow();
  });

  it('refuses a prefix over 200 characters as PAYLOAD_TOO_LARGE naming the text field', () => {
    // Prepare
    const prefix = `забыл пароль ${'а'.repeat(MAX_SUGGEST_PREFIX_LENGTH)}`;

    // Act
    const error = thrownBy(() => suggestIntents(deps, { prefix, lang: 'ru' }));

    // Assess
    expect(error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(error.details).toEqual([{ field: 'text', problem: 'longer than 200 characters' }]);
  });
});
