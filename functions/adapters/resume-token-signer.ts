/**
 * Resume tokens as HS256 JWTs (`jose`): signs the claims of `functions/domain/resume-tokens.ts` and
 * verifies a presented token (algorithm pinned, issuer, audience, expiry, required claims) with no
 * I/O but the cached key. Neither a token nor anything of it is ever logged.
 */
import { errors, jwtVerify, SignJWT } from 'jose';
import type { ResumeTokenClaims, ResumeTokenSigner } from '#domain/resume-tokens.ts';
import * as z from '#events/zod.ts';
import type { KeySource } from './secret-keys.ts';

export const RESUME_TOKEN_ISSUER = 'support-chat';
export const RESUME_TOKEN_AUDIENCE = 'support-chat/resume';

const payloadSchema = z.object({
  sub: z.string().check(z.minLength(1), z.maxLength(64)),
  jti: z.string().check(z.minLength(1), z.maxLength(64)),
  iat: z.int(),
  exp: z.int(),
  ver: z.boolean(),
});

export class JwtResumeTokenSigner implements ResumeTokenSigner {
  constructor(private readonly key: KeySource) {}

  async sign(claims: ResumeTokenClaims): Promise<string> {
    return new SignJWT({ ver: claims.verified })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(claims.sessionId)
      .setJti(claims.slotId)
      .setIssuer(RESUME_TOKEN_ISSUER)
      .setAudience(RESUME_TOKEN_AUDIENCE)
      .setIssuedAt(claims.issuedAt)
      .setExpirationTime(claims.expiresAt)
      .sign(await this.key());
  }

  async verify(token: string): Promise<ResumeTokenClaims | 'expired' | 'invalid'> {
    try {
      const { payload } = await jwtVerify(token, await this.key(), {
        algorithms: ['HS256'],
        issuer: RESUME_TOKEN_ISSUER,
        audience: RESUME_TOKEN_AUDIENCE,
        requiredClaims: ['sub', 'jti', 'iat', 'exp'],
      });
      const claims = payloadSchema.safeParse(payload);
      if (!claims.success) return 'invalid';
      const { sub, jti, iat, exp, ver } = claims.data;
      return { sessionId: sub, slotId: jti, issuedAt: iat, expiresAt: exp, verified: ver };
    } catch (error) {
      if (error instanceof errors.JWTExpired) return 'expired';
      if (error instanceof errors.JOSEError) return 'invalid';
      throw error;
    }
  }
}
