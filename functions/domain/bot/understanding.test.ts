import { describe, expect, it } from 'vitest';
import { decide, didNotHelpPhrase } from './decisions.ts';
import { editDistance } from './fuzzy.ts';
import { cyrillicLayoutToLatin, latinLayoutToCyrillic } from './keyboard-layout.ts';
import { normalizeText, tokenize } from './normalize.ts';
import { stemWord } from './stem.ts';

describe('normalisation', () => {
  it('lower-cases, folds ё into е and drops punctuation', () => {
    expect(normalizeText('Код подтверждения так и не пришёл!!!')).toBe('код подтверждения так и не пришел');
  });

  it('collapses letters held down for emphasis but keeps real double letters', () => {
    expect(normalizeText('спасибооо, пароооль')).toBe('спасибо пароль');
    expect(normalizeText('аккаунт')).toBe('аккаунт');
  });

  it('splits into word tokens, an empty text into none', () => {
    expect(tokenize(normalizeText('  «Завершено» — это значит готово?  '))).toEqual([
      'завершено',
      'это',
      'значит',
      'готово',
    ]);
    expect(tokenize(normalizeText('?!'))).toEqual([]);
  });
});

describe('keyboard layout', () => {
  it('reads Russian typed on the Latin layout', () => {
    expect(latinLayoutToCyrillic('pf,sk gfhjkm')).toBe('забыл пароль');
  });

  it('reads English typed on the Russian layout', () => {
    expect(cyrillicLayoutToLatin('ш ащкпще ьн зфыыцщкв')).toBe('i forgot my password');
  });
});

describe('stemming', () => {
  it('gives the inflected forms of a Russian word one stem', () => {
    const forms = ['пароль', 'пароля', 'паролем', 'паролю'].map(stemWord);
    expect(new Set(forms).size).toBe(1);
  });

  it('stems English words with the English stemmer', () => {
    expect(stemWord('passwords')).toBe(stemWord('password'));
    expect(stemWord('blocked')).toBe('block');
  });

  it('leaves numbers alone', () => {
    expect(stemWord('15')).toBe('15');
  });
});

describe('typo distance', () => {
  it('counts a swap of neighbouring letters as one edit', () => {
    expect(editDistance('пароль', 'паорль')).toBe(1);
    expect(editDistance('пароль', 'пороль')).toBe(1);
  });
});

describe('decisions', () => {
  const operatorOnly = (intent: string) => intent === 'legal.complaint';

  it('recognises that an answer did not help, in both languages', () => {
    expect(didNotHelpPhrase('спасибо но это не помогло')).toBe('не помогло');
    expect(didNotHelpPhrase('that doesn t help')).toBe('doesn t help');
    expect(didNotHelpPhrase('помогло спасибо')).toBeUndefined();
  });

  it('answers a confident intent without escalating', () => {
    expect(decide({ intent: 'mfc.hours', saysItDidNotHelp: false }, {}, operatorOnly)).toEqual({
      intent: 'mfc.hours',
      escalate: false,
    });
  });

  it('always escalates a request for a person', () => {
    expect(decide({ intent: 'support.operator', saysItDidNotHelp: false }, {}, operatorOnly)).toMatchObject({
      escalate: true,
      reason: 'asked_for_person',
    });
  });

  it('escalates an operator-only intent', () => {
    expect(decide({ intent: 'legal.complaint', saysItDidNotHelp: false }, {}, operatorOnly)).toMatchObject({
      intent: 'legal.complaint',
      escalate: true,
      reason: 'operator_only',
    });
  });

  it('escalates the previous problem when the citizen says the answer did not help', () => {
    const context = { lastBotIntent: 'auth.password_reset' };
    expect(decide({ intent: 'fallback', saysItDidNotHelp: true }, context, operatorOnly)).toEqual({
      intent: 'auth.password_reset',
      escalate: true,
      reason: 'repeat_problem',
    });
  });

  it('escalates when the same problem is asked again after an answer', () => {
    const context = { lastBotIntent: 'auth.code_not_received' };
    expect(
      decide({ intent: 'auth.code_not_received', saysItDidNotHelp: false }, context, operatorOnly),
    ).toMatchObject({
      escalate: true,
      reason: 'repeat_problem',
    });
  });

  it('answers a question about one’s own data asked again, for a guest (invited again) as for a citizen', () => {
    const personal = (intent: string) => intent === 'application.status';
    const again = { intent: 'application.status', saysItDidNotHelp: false };
    for (const verified of [false, true]) {
      const context = { lastBotIntent: 'application.status', verified };
      expect(decide(again, context, operatorOnly, personal)).toEqual({
        intent: 'application.status',
        escalate: false,
      });
    }
    // Another problem asked twice is still a repeat, and "it did not help" still hands over.
    expect(
      decide(
        { intent: 'auth.password_reset', saysItDidNotHelp: false },
        { lastBotIntent: 'auth.password_reset' },
        operatorOnly,
        personal,
      ),
    ).toMatchObject({ escalate: true, reason: 'repeat_problem' });
    expect(
      decide(
        { intent: 'fallback', saysItDidNotHelp: true },
        { lastBotIntent: 'application.status' },
        operatorOnly,
        personal,
      ),
    ).toMatchObject({ intent: 'application.status', escalate: true, reason: 'repeat_problem' });
  });

  it('answers a new question after an answer without escalating', () => {
    const context = { lastBotIntent: 'mfc.booking' };
    expect(decide({ intent: 'mfc.hours', saysItDidNotHelp: false }, context, operatorOnly).escalate).toBe(
      false,
    );
  });

  it('escalates on the second fallback in a row, not the first', () => {
    expect(decide({ intent: 'fallback', saysItDidNotHelp: false }, {}, operatorOnly).escalate).toBe(false);
    expect(
      decide({ intent: 'fallback', saysItDidNotHelp: false }, { consecutiveFallbacks: 1 }, operatorOnly),
    ).toMatchObject({ escalate: true, reason: 'repeated_fallback' });
  });
});
