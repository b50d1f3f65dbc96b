import { describe, expect, it } from 'vitest';
import { CONSOLE_STRINGS, staffNoteText } from './strings.ts';

describe('the console’s staff notes', () => {
  it('say the system’s SLA note in the console’s language, and any other note as it is', () => {
    const note = 'SLA breach: taken by a senior after 125 s';
    expect(staffNoteText(CONSOLE_STRINGS.ru, note)).toBe('нарушение SLA: взято старшим через 125 с');
    expect(staffNoteText(CONSOLE_STRINGS.en, 'SLA breach: taken by an operator after 7 s')).toBe(
      'SLA breach: taken by an operator after 7 s',
    );
    expect(staffNoteText(CONSOLE_STRINGS.ru, 'проверено вручную')).toBe('проверено вручную');
  });
});
