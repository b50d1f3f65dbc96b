import { describe, expect, it } from 'vitest';
import { parseDestination } from '#domain/identification.ts';
import { HmacIdentityHasher } from './identity-hasher.ts';
import { secretKey } from './secret-keys.ts';

const hasher = new HmacIdentityHasher({
  codeKey: secretKey('code key', 'c'.repeat(48), undefined),
  citizenKey: secretKey('citizen key', 'k'.repeat(48), undefined),
});
const other = new HmacIdentityHasher({
  codeKey: secretKey('other code key', 'd'.repeat(48), undefined),
  citizenKey: secretKey('other citizen key', 'o'.repeat(48), undefined),
});
const phone = { channel: 'sms', address: '+79161234567', identity: '+79161234567' } as const;

describe('keyed hashes of identification', () => {
  it('gives the same destination the same citizen id every time, and never the destination itself', async () => {
    const [a, b] = [await hasher.citizenId(phone), await hasher.citizenId(phone)];
    expect(a).toBe(b);
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a).not.toContain('9161234567');
  });

  it('keeps destination keys, citizen ids and code hashes apart for the same input', async () => {
    const destinationKey = await hasher.destinationKey(phone);
    const hashes = [
      destinationKey,
      await hasher.citizenId(phone),
      await hasher.codeHash(destinationKey, '123456'),
    ];
    expect(new Set(hashes).size).toBe(3);
  });

  it('depends on the key: another key gives other ids', async () => {
    expect(await other.citizenId(phone)).not.toBe(await hasher.citizenId(phone));
  });

  it('hashes citizen ids under the citizen-id key only, codes under the code key only', async () => {
    const sameCitizenKey = new HmacIdentityHasher({
      codeKey: secretKey('another code key', 'x'.repeat(48), undefined),
      citizenKey: secretKey('citizen key', 'k'.repeat(48), undefined),
    });

    expect(await sameCitizenKey.citizenId(phone)).toBe(await hasher.citizenId(phone));
    expect(await sameCitizenKey.destinationKey(phone)).not.toBe(await hasher.destinationKey(phone));
  });

  it('hashes a code per destination: the same code of two destinations differs', async () => {
    const a = await hasher.codeHash(await hasher.destinationKey(phone), '123456');
    const b = await hasher.codeHash(
      await hasher.destinationKey({ ...phone, address: '+79161234568', identity: '+79161234568' }),
      '123456',
    );
    expect(a).not.toBe(b);
  });
});

describe('one mailbox, one identity', () => {
  it('gives every spelling of one mailbox the same destination key and citizen id', async () => {
    const spellings = ['Ivan.Petrov+chat@GMail.com', ' ivanpetrov@googlemail.com', 'IVANPETROV@gmail.com'];
    const destinations = spellings.map((email) => parseDestination({ email }));

    const keys = await Promise.all(destinations.map((d) => hasher.destinationKey(d)));
    const citizens = await Promise.all(destinations.map((d) => hasher.citizenId(d)));

    expect(new Set(keys).size).toBe(1);
    expect(new Set(citizens).size).toBe(1);
  });

  it('keeps two Mail.ru mailboxes that differ by a dot apart', async () => {
    const [a, b] = ['ivan.petrov@mail.ru', 'ivanpetrov@mail.ru'].map((email) => parseDestination({ email }));

    expect(await hasher.citizenId(a ?? phone)).not.toBe(await hasher.citizenId(b ?? phone));
  });
});

describe('where a key comes from', () => {
  it('takes the key from the environment when it is set', async () => {
    expect(new TextDecoder().decode(await secretKey('k', 'x'.repeat(32), 'arn:secret')())).toBe(
      'x'.repeat(32),
    );
  });

  it('fails at first use, naming the key, when neither the key nor its secret is configured', async () => {
    await expect(secretKey('resume-token signing key', undefined, undefined)()).rejects.toThrow(
      'resume-token signing key: neither the key nor its secret id is configured',
    );
  });
});
