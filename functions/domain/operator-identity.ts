/**
 * Operators and seniors as the `$connect` authorizer admits them: from the claims of a verified
 * Cognito ID token to the authorizer context. Verification itself (signature against the pool's
 * JWKS, issuer, audience = the console's client id, `token_use` = `id`, expiry) is the adapter's
 * (`functions/adapters/cognito-verifier.ts`, aws-jwt-verify); this module holds the rules.
 */
import type { Role } from '#events/authorizer-context.ts';

/** The claims of a verified ID token that the chat uses. Never logged: `given_name` is personal data. */
export interface OperatorClaims {
  /** Cognito `sub`: the operator's stable id (principal and session of their connections). */
  sub: string;
  /** `cognito:groups`. */
  groups: readonly string[];
  /**
   * `given_name`: the name citizens see. Set by an administrator; the console's app client may not
   * write it (`infra/constructs/operator-pool.ts`, `writeAttributes`).
   */
  givenName?: string;
  /** `cognito:username`. */
  username?: string;
}

/** Verifies an operator's ID token; `invalid` covers forged, tampered, other pool/client, access tokens. */
export interface OperatorTokenVerifier {
  verify(token: string): Promise<OperatorClaims | 'expired' | 'invalid'>;
}

/** Longest token considered at all: Cognito ID tokens are 1–2 KB, more with many groups. */
const MAX_ID_TOKEN_LENGTH = 8192;

const COGNITO_ISSUER =
  /^https:\/\/cognito-idp\.[a-z]{2}(-[a-z]+)+-\d\.amazonaws\.com\/[a-z]{2}(-[a-z]+)+-\d_[0-9A-Za-z]+$/;

/**
 * Whether `token` claims to come from a Cognito user pool: a compact JWS whose (unverified!)
 * payload has a Cognito `iss`. Only routes the token to the Cognito verifier; it proves nothing.
 */
export function claimsCognitoIssuer(token: string): boolean {
  if (token.length > MAX_ID_TOKEN_LENGTH) return false;
  const parts = token.split('.');
  if (parts.length !== 3 || parts[1] === undefined) return false;
  try {
    const payload: unknown = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    if (typeof payload !== 'object' || payload === null) return false;
    const { iss } = payload as { iss?: unknown };
    return typeof iss === 'string' && COGNITO_ISSUER.test(iss);
  } catch {
    return false;
  }
}

/** The role of a signed-in member of the pool: `senior` wins over `operator`; neither → none. */
export function staffRole(groups: readonly string[]): Extract<Role, 'operator' | 'senior'> | undefined {
  if (groups.includes('senior')) return 'senior';
  if (groups.includes('operator')) return 'operator';
  return undefined;
}

/**
 * The name citizens and colleagues see: `given_name`, else the username (max 128). Not `name`: an
 * operator must not choose what citizens are shown, and only `given_name` is the administrator's.
 */
export function displayNameOf(claims: OperatorClaims): string {
  const candidates = [claims.givenName, claims.username, 'Operator'];
  const chosen = candidates
    .map((value) => value?.trim())
    .find((value) => value !== undefined && value !== '');
  return (chosen ?? 'Operator').slice(0, 128);
}
