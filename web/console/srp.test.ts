/**
 * The console's SRP client (web/console/srp.ts) against an independent server side of Cognito's
 * SRP (test/support/srp-server.ts, node:crypto): the right password signs a claim the server
 * accepts; a wrong password, another pool, a tampered block or a stale timestamp do not.
 */
import { getDiffieHellman } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SrpServerSession, srpUser } from '../../test/support/srp-server.ts';
import { cognitoTimestamp, padHex, SRP_N, SrpClient } from './srp.ts';

const POOL = 'eu-central-1_AbCdEf123';
const USER = '3f1c7a52-6c0e-4d0b-9d55-2a1e0e7f1b11';
const PASSWORD = 'Correct-horse-battery-9!';

async function signIn(options: { password: string; pool?: string; now?: Date; verifyAt?: Date }) {
  const user = srpUser(POOL, USER, PASSWORD);
  const client = SrpClient.create(options.pool ?? POOL);
  const server = new SrpServerSession(user, BigInt(`0x${client.srpA}`));
  const claim = await client.claim(server.challenge() as never, options.password, options.now ?? new Date());
  return { claim, accepted: server.verify({ ...claim }, options.verifyAt ?? new Date()), server };
}

describe('SRP sign-in (Cognito variant)', () => {
  it('signs a claim the server accepts with the right password', async () => {
    // Act
    const results = await Promise.all([1, 2, 3].map(() => signIn({ password: PASSWORD })));

    // Assess: with a fresh a and b each time (A and B of every size, padded or not).
    expect(results.map((r) => r.accepted)).toEqual([true, true, true]);
    expect(results[0]?.claim.PASSWORD_CLAIM_SECRET_BLOCK).toBe(results[0]?.server.secretBlock);
  });

  it('signs a claim the server refuses with a wrong password, another pool or a stale time', async () => {
    // Act
    const wrongPassword = await signIn({ password: `${PASSWORD}x` });
    const otherPool = await signIn({ password: PASSWORD, pool: 'eu-central-1_Other' });
    const stale = await signIn({ password: PASSWORD, now: new Date(Date.now() - 10 * 60_000) });
    const right = await signIn({ password: PASSWORD });
    const server = right.server;
    const tampered = server.verify({ ...right.claim, PASSWORD_CLAIM_SECRET_BLOCK: 'AAAA' });

    // Assess
    expect(wrongPassword.accepted).toBe(false);
    expect(otherPool.accepted).toBe(false);
    expect(stale.accepted).toBe(false);
    expect(tampered).toBe(false);
    expect(right.accepted).toBe(true);
  });

  it("writes Cognito's timestamp in English, day unpadded, time padded, in UTC", () => {
    expect(cognitoTimestamp(new Date('2026-12-02T07:05:09Z'))).toBe('Wed Dec 2 07:05:09 UTC 2026');
    expect(cognitoTimestamp(new Date('2027-01-17T23:59:00Z'))).toBe('Sun Jan 17 23:59:00 UTC 2027');
  });

  it('pads numbers as signed big-endian hex', () => {
    expect(padHex(0xabn)).toBe('00ab');
    expect(padHex(0x1abn)).toBe('01ab');
    expect(padHex(0x7fn)).toBe('7f');
  });

  it('uses the 3072-bit group of RFC 5054 (RFC 3526 group 15)', () => {
    const prime = BigInt(`0x${getDiffieHellman('modp15').getPrime('hex')}`);
    expect(SRP_N).toBe(prime);
  });
});
