/**
 * Signing in to the operators' user pool from the browser, with Cognito's JSON API over fetch (no
 * SDK in the bundle): SRP (`USER_SRP_AUTH`, then `PASSWORD_VERIFIER`: the password never leaves the
 * page, web/console/srp.ts) — or, only where config.json says the pool is the local one
 * (cognito-local has no SRP), `USER_PASSWORD_AUTH` — then the challenges the pool raises (new
 * password required, TOTP set-up, TOTP code) and the refresh of the tokens. Tokens stay in memory:
 * a reload signs in again.
 */
import { type PasswordVerifierParameters, SrpClient } from './srp.ts';

export interface CognitoSettings {
  region: string;
  userPoolId: string;
  clientId: string;
  /** Locally the local Cognito; in AWS `https://cognito-idp.<region>.amazonaws.com/`. */
  endpoint?: string;
  /** The local stack's Cognito (cognito-local), which has no SRP: sign in with USER_PASSWORD_AUTH. */
  local?: boolean;
}

export interface Tokens {
  idToken: string;
  refreshToken?: string;
  accessToken: string;
  /** When the ID token expires (ms since the epoch, by this page's clock). */
  expiresAt: number;
}

export type SignInStep =
  | { kind: 'signedIn'; tokens: Tokens }
  | {
      kind: 'NEW_PASSWORD_REQUIRED' | 'SOFTWARE_TOKEN_MFA' | 'MFA_SETUP';
      session: string;
      /** The pool's name for the user (`USER_ID_FOR_SRP`), which every answer names. */
      username: string;
      /** What the operator typed to sign in: the label of the authenticator's entry. */
      login: string;
    };

export class CognitoError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

interface AuthAnswer {
  AuthenticationResult?: { IdToken: string; AccessToken: string; RefreshToken?: string; ExpiresIn?: number };
  ChallengeName?: string;
  ChallengeParameters?: Record<string, string>;
  Session?: string;
}

export class CognitoClient {
  constructor(private readonly settings: CognitoSettings) {}

  private async call<T>(target: string, body: Record<string, unknown>): Promise<T> {
    const endpoint = this.settings.endpoint ?? `https://cognito-idp.${this.settings.region}.amazonaws.com/`;
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': `AWSCognitoIdentityProviderService.${target}`,
      },
      body: JSON.stringify(body),
    });
    const answer = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (!response.ok) {
      const code =
        String(answer.__type ?? answer.code ?? 'Error')
          .split('#')
          .pop() ?? 'Error';
      throw new CognitoError(code, String(answer.message ?? code));
    }
    return answer as T;
  }

  async signIn(username: string, password: string): Promise<SignInStep> {
    if (this.settings.local) {
      const answer = await this.call<AuthAnswer>('InitiateAuth', {
        ClientId: this.settings.clientId,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: username, PASSWORD: password },
      });
      return this.step(answer, username);
    }
    const srp = SrpClient.create(this.settings.userPoolId);
    const started = await this.call<AuthAnswer>('InitiateAuth', {
      ClientId: this.settings.clientId,
      AuthFlow: 'USER_SRP_AUTH',
      AuthParameters: { USERNAME: username, SRP_A: srp.srpA },
    });
    const challenge = verifierParameters(started);
    const claim = await srp.claim(challenge, password);
    const answer = await this.call<AuthAnswer>('RespondToAuthChallenge', {
      ClientId: this.settings.clientId,
      ChallengeName: 'PASSWORD_VERIFIER',
      ...(started.Session ? { Session: started.Session } : {}),
      ChallengeResponses: { USERNAME: challenge.USER_ID_FOR_SRP, ...claim },
    });
    return this.step(answer, username);
  }

  async answer(
    step: Extract<SignInStep, { session: string }>,
    response: Record<string, string>,
  ): Promise<SignInStep> {
    const answer = await this.call<AuthAnswer>('RespondToAuthChallenge', {
      ClientId: this.settings.clientId,
      ChallengeName: step.kind,
      Session: step.session,
      ChallengeResponses: { USERNAME: step.username, ...response },
    });
    return this.step(answer, step.login);
  }

  /** TOTP set-up: the secret to type (or scan) into an authenticator app, and the session to verify it with. */
  async associateTotp(session: string): Promise<{ secret: string; session: string }> {
    const answer = await this.call<{ SecretCode: string; Session: string }>('AssociateSoftwareToken', {
      Session: session,
    });
    return { secret: answer.SecretCode, session: answer.Session };
  }

  async verifyTotp(session: string, code: string): Promise<string> {
    const answer = await this.call<{ Session: string }>('VerifySoftwareToken', {
      Session: session,
      UserCode: code,
    });
    return answer.Session;
  }

  async refresh(tokens: Tokens): Promise<Tokens> {
    if (!tokens.refreshToken) throw new CognitoError('NoRefreshToken', 'no refresh token');
    const answer = await this.call<AuthAnswer>('InitiateAuth', {
      ClientId: this.settings.clientId,
      AuthFlow: 'REFRESH_TOKEN_AUTH',
      AuthParameters: { REFRESH_TOKEN: tokens.refreshToken },
    });
    const result = answer.AuthenticationResult;
    if (!result) throw new CognitoError('NoTokens', 'no tokens');
    return { ...toTokens(result), refreshToken: result.RefreshToken ?? tokens.refreshToken };
  }

  private step(answer: AuthAnswer, login: string): SignInStep {
    if (answer.AuthenticationResult)
      return { kind: 'signedIn', tokens: toTokens(answer.AuthenticationResult) };
    const kind = answer.ChallengeName;
    const username = answer.ChallengeParameters?.USER_ID_FOR_SRP ?? login;
    if (
      (kind === 'NEW_PASSWORD_REQUIRED' || kind === 'SOFTWARE_TOKEN_MFA' || kind === 'MFA_SETUP') &&
      answer.Session
    )
      return { kind, session: answer.Session, username, login };
    throw new CognitoError('UnsupportedChallenge', String(kind));
  }
}

/** The `PASSWORD_VERIFIER` challenge that answers `USER_SRP_AUTH`, checked before it is used. */
function verifierParameters(answer: AuthAnswer): PasswordVerifierParameters {
  const p = answer.ChallengeParameters ?? {};
  const hex = /^[0-9a-f]+$/i;
  if (
    answer.ChallengeName !== 'PASSWORD_VERIFIER' ||
    !p.SALT ||
    !hex.test(p.SALT) ||
    !p.SRP_B ||
    !hex.test(p.SRP_B) ||
    !p.SECRET_BLOCK ||
    !p.USER_ID_FOR_SRP
  )
    throw new CognitoError('UnexpectedChallenge', String(answer.ChallengeName));
  return { SALT: p.SALT, SRP_B: p.SRP_B, SECRET_BLOCK: p.SECRET_BLOCK, USER_ID_FOR_SRP: p.USER_ID_FOR_SRP };
}

/**
 * The tokens, with when they expire by this page's clock: their lifetime (`ExpiresIn`, else the ID
 * token's exp − iat) from now, so that a page clock that is off does not renew too early or late.
 */
function toTokens(result: NonNullable<AuthAnswer['AuthenticationResult']>): Tokens {
  const claims = claimsOf(result.IdToken);
  const lifetime =
    typeof result.ExpiresIn === 'number'
      ? result.ExpiresIn
      : typeof claims.exp === 'number' && typeof claims.iat === 'number'
        ? claims.exp - claims.iat
        : 3600;
  return {
    idToken: result.IdToken,
    accessToken: result.AccessToken,
    ...(result.RefreshToken ? { refreshToken: result.RefreshToken } : {}),
    expiresAt: Date.now() + lifetime * 1000,
  };
}

/** The claims of a JWT, unverified: only for display (name, groups) and timing; the server verifies. */
export function claimsOf(token: string): Record<string, unknown> {
  const payload = token.split('.')[1] ?? '';
  try {
    const binary = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const json = new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
    return JSON.parse(json) as Record<string, unknown>;
  } catch {
    return {};
  }
}
