/**
 * Verifies operators' Cognito ID tokens with aws-jwt-verify: RS256 signature against the pool's
 * JWKS (fetched once and cached per Lambda instance; an unknown `kid` refetches, rate-limited),
 * `iss` = the pool, `aud` = the console's client id, `token_use` = `id`, `exp`/`nbf`.
 *
 * Locally (`COGNITO_JWKS_URL`, set by the local stack only) the JWKS comes from the local Cognito
 * over http: the JWKS fetcher is pointed there, and everything else — the verifier, its checks,
 * the issuer it expects — is the code that runs in AWS (the local Cognito issues tokens with the
 * AWS-shaped issuer of its AWS-shaped pool id, docs/local-stack.md).
 */
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import {
  FetchError,
  JwksNotAvailableInCacheError,
  JwtBaseError,
  JwtExpiredError,
} from 'aws-jwt-verify/error';
import type { Fetcher } from 'aws-jwt-verify/https';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import type { OperatorClaims, OperatorTokenVerifier } from '#domain/operator-identity.ts';

export interface CognitoVerifierSettings {
  userPoolId: string;
  clientId: string;
  /** Fetch the JWKS from here instead of the pool's public JWKS URI (local stack). */
  jwksUrl?: string;
}

export class CognitoOperatorVerifier implements OperatorTokenVerifier {
  private readonly verifier;

  constructor(settings: CognitoVerifierSettings) {
    const jwksCache =
      settings.jwksUrl === undefined
        ? undefined
        : new SimpleJwksCache({ fetcher: redirectedFetcher(settings.jwksUrl) });
    this.verifier = CognitoJwtVerifier.create(
      { userPoolId: settings.userPoolId, clientId: settings.clientId, tokenUse: 'id' },
      jwksCache === undefined ? undefined : { jwksCache },
    );
  }

  async verify(token: string): Promise<OperatorClaims | 'expired' | 'invalid'> {
    let payload: Awaited<ReturnType<typeof this.verifier.verify>>;
    try {
      payload = await this.verifier.verify(token);
    } catch (error) {
      // The JWKS could not be had: an outage, not a bad token. Thrown, so the upgrade fails (500)
      // and the alarm on the authorizer's errors fires, instead of every operator being told 401.
      if (error instanceof FetchError || error instanceof JwksNotAvailableInCacheError) throw error;
      if (error instanceof JwtExpiredError) return 'expired';
      if (error instanceof JwtBaseError) return 'invalid';
      throw error;
    }
    const groups = payload['cognito:groups'];
    return {
      sub: payload.sub,
      groups: Array.isArray(groups) ? groups.filter((group) => typeof group === 'string') : [],
      ...optionalString('givenName', payload.given_name),
      ...optionalString('username', payload['cognito:username']),
    };
  }
}

function optionalString<K extends string>(key: K, value: unknown): Partial<Record<K, string>> {
  return typeof value === 'string' ? ({ [key]: value } as Record<K, string>) : {};
}

/**
 * A fetcher that answers every JWKS request from `jwksUrl` (the local Cognito, plain http, which
 * the library's own fetcher refuses). Bounded like the library's: 1.5 s, non-2xx is an error.
 */
function redirectedFetcher(jwksUrl: string): Fetcher {
  return {
    fetch: async () => {
      const response = await fetch(jwksUrl, { signal: AbortSignal.timeout(1500) });
      if (!response.ok) throw new Error(`JWKS answered HTTP ${response.status}`);
      return response.arrayBuffer();
    },
  };
}
