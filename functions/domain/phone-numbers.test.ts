import type { MetadataJson } from 'libphonenumber-js/core';
import full from 'libphonenumber-js/mobile/metadata';
import { describe, expect, it } from 'vitest';
import committed from './phone-metadata.json' with { type: 'json' };
import { callingCodeOf, metadataSubset, normaliseMobileNumber, PHONE_COUNTRIES } from './phone-numbers.ts';

describe('mobile phone numbers', () => {
  it('ships the subset of the installed library for PHONE_COUNTRIES (else run test/support/generate-phone-metadata.ts)', () => {
    expect(committed).toEqual(metadataSubset(full as unknown as MetadataJson, PHONE_COUNTRIES));
  });

  it.each([
    ['+79161234567', '+79161234567'],
    ['89161234567', '+79161234567'],
    ['9161234567', '+79161234567'],
    ['+7 (916) 123-45-67', '+79161234567'],
    ['  +7 916 123 45 67 ', '+79161234567'],
    ['+7 701 123 4567', '+77011234567'],
    ['+375 29 123-45-67', '+375291234567'],
  ])('normalises %s to E.164 %s', (text, e164) => {
    expect(normaliseMobileNumber(text)).toBe(e164);
  });

  it.each([
    ['a Moscow landline (no SMS reaches it)', '+74951234567'],
    ['too few digits', '+7916123456'],
    ['too many digits', '+791612345678'],
    ['letters', 'call me'],
    ['an empty string', ''],
    ['a number of a country outside the list', '+14155552671'],
  ])('refuses %s', (_, text) => {
    expect(normaliseMobileNumber(text)).toBeUndefined();
  });

  it('names the calling code of a number, for masking', () => {
    expect(callingCodeOf('+79161234567')).toBe('+7');
    expect(callingCodeOf('+375291234567')).toBe('+375');
  });
});
