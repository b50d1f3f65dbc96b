import { describe, expect, it } from 'vitest';
import { OpenConversationHints } from './open-conversation-hints.ts';

describe('open conversation hints', () => {
  it('guesses the conversation last remembered for a session, and nothing for an unknown one', () => {
    // Prepare
    const hints = new OpenConversationHints();

    // Act
    hints.remember('s1', 'c1');
    hints.remember('s1', 'c2');

    // Assess
    expect(hints.guess('s1')).toBe('c2');
    expect(hints.guess('s2')).toBeUndefined();
  });

  it('forgets the session remembered least recently when full', () => {
    // Prepare
    const hints = new OpenConversationHints(2);
    hints.remember('s1', 'c1');
    hints.remember('s2', 'c2');

    // Act
    hints.remember('s1', 'c1');
    hints.remember('s3', 'c3');

    // Assess
    expect(hints.guess('s2')).toBeUndefined();
    expect(hints.guess('s1')).toBe('c1');
    expect(hints.guess('s3')).toBe('c3');
  });
});
