import { describe, expect, it } from 'vitest';
import { canonicalEmail } from './email-addresses.ts';

describe('the canonical e-mail of a mailbox', () => {
  it.each([
    // Everywhere: trimmed and lower-cased.
    [' Ivan.Petrov@Example.RU ', 'ivan.petrov@example.ru'],
    // Gmail: dots and +tags ignored, googlemail.com is gmail.com.
    ['Ivan.Petrov+chat@GMail.com', 'ivanpetrov@gmail.com'],
    ['i.v.a.n.petrov@googlemail.com', 'ivanpetrov@gmail.com'],
    // Yandex: one mailbox on every domain, a dot is a hyphen, +tags ignored.
    ['Ivan.Petrov+support@ya.ru', 'ivan-petrov@yandex.ru'],
    ['ivan-petrov@yandex.com', 'ivan-petrov@yandex.ru'],
    // Microsoft and Apple: +tags ignored, dots and domains kept.
    ['ivan.petrov+x@outlook.com', 'ivan.petrov@outlook.com'],
    ['ivan.petrov+x@icloud.com', 'ivan.petrov@icloud.com'],
    // Mail.ru and everything else: only the case.
    ['Ivan.Petrov@mail.ru', 'ivan.petrov@mail.ru'],
    ['ivan.petrov@inbox.ru', 'ivan.petrov@inbox.ru'],
    ['ivan+petrov@example.org', 'ivan+petrov@example.org'],
  ])('%s → %s', (email, canonical) => {
    expect(canonicalEmail(email)).toBe(canonical);
  });

  it('keeps apart what the providers keep apart', () => {
    expect(canonicalEmail('ivanpetrov@mail.ru')).not.toBe(canonicalEmail('ivan.petrov@mail.ru'));
    expect(canonicalEmail('ivan@mail.ru')).not.toBe(canonicalEmail('ivan@inbox.ru'));
    expect(canonicalEmail('ivan@hotmail.com')).not.toBe(canonicalEmail('ivan@outlook.com'));
    expect(canonicalEmail('ivan+a@example.org')).not.toBe(canonicalEmail('ivan@example.org'));
  });

  it('keeps a local part that is all tag as it is', () => {
    expect(canonicalEmail('+tag@gmail.com')).toBe('+tag@gmail.com');
  });
});
