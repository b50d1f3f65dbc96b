import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { looksLikeResumeToken, type ResumeTokenClaims } from '#domain/resume-tokens.ts';
import { epochSeconds } from '#domain/retention.ts';
import { JwtResumeTokenSigner, RESUME_TOKEN_AUDIENCE, RESUME_TOKEN_ISSUER } from './resume-token-signer.ts';
import { secretKey } from './secret-keys.ts';

const key = 'k'.repeat(48);
const signer = new JwtResumeTokenSigner(secretKey('test key', key, undefined));
const nowSeconds = epochSeconds(new Date());

function claims(overrides: Partial<ResumeTokenClaims> = {}): ResumeTokenClaims {
  return {
    sessionId: randomUUID(),
    slotId: 'slot-1',
    issuedAt: nowSeconds,
    expiresAt: nowSeconds + 3600,
    verified: true,
    ...overrides,
  };
}

/** Re-encodes one base64url JSON segment of a token with `change` applied. */
function rewriteSegment(token: string, index: 0 | 1, change: (json: Record<string, unknown>) => object) {
  const parts = token.split('.');
  const json = JSON.parse(Buffer.from(parts[index] ?? '', 'base64url').toString('utf8'));
  parts[index] = Buffer.from(JSON.stringify(change(json))).toString('base64url');
  return parts.join('.');
}

describe('resume tokens as HS256 JWTs', () => {
  it('verifies a token it signed back into the same claims, and the token has the expected shape', async () => {
    // Prepare
    const signed = claims();

    // Act
    const token = await signer.sign(signed);

    // Assess
    expect(await signer.verify(token)).toEqual(signed);
    expect(looksLikeResumeToken(token)).toBe(true);
  });

  it('refuses a token whose payload was changed (another session), as invalid', async () => {
    // Prepare
    const token = await signer.sign(claims());
    const transplanted = rewriteSegment(token, 1, (payload) => ({ ...payload, sub: randomUUID() }));

    // Act
    const verdict = await signer.verify(transplanted);

    // Assess
    expect(verdict).toBe('invalid');
  });

  it('refuses a token signed with another key', async () => {
    // Prepare
    const other = new JwtResumeTokenSigner(secretKey('other key', 'o'.repeat(48), undefined));

    // Act
    const verdict = await signer.verify(await other.sign(claims()));

    // Assess
    expect(verdict).toBe('invalid');
  });

  it('refuses an unsigned token (alg none)', async () => {
    // Prepare
    const token = await signer.sign(claims());
    const unsigned = `${rewriteSegment(token, 0, () => ({ alg: 'none', typ: 'JWT' }))
      .split('.')
      .slice(0, 2)
      .join('.')}.`;

    // Act
    const verdict = await signer.verify(unsigned);

    // Assess
    expect(verdict).toBe('invalid');
  });

  it('tells an expired token from an invalid one', async () => {
    // Act
    const verdict = await signer.verify(
      await signer.sign(claims({ issuedAt: nowSeconds - 7200, expiresAt: nowSeconds - 60 })),
    );

    // Assess
    expect(verdict).toBe('expired');
  });

  it('refuses a token of ours meant for another audience', async () => {
    // Prepare
    const token = await new SignJWT({ ver: false })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(randomUUID())
      .setJti('slot')
      .setIssuer(RESUME_TOKEN_ISSUER)
      .setAudience(`${RESUME_TOKEN_AUDIENCE}-other`)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(key));

    // Act
    const verdict = await signer.verify(token);

    // Assess
    expect(verdict).toBe('invalid');
  });
});
