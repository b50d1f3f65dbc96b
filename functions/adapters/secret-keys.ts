/**
 * The keys of identification: the code key (HMAC of destinations and codes), the citizen-id key
 * (HMAC of citizen ids) and the signing key of resume tokens. In AWS each is a Secrets Manager secret the stack generates (KMS-encrypted), read
 * with Powertools Parameters `getSecret` and cached for the life of the instance's cache window;
 * on the local stack, which has no Secrets Manager, the raw key comes from the environment (a
 * random one generated at start-up). The key wins when both are set. Keys are never logged.
 */
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';

/** How long a fetched secret is reused before it is read again (seconds). */
const SECRET_CACHE_SECONDS = 15 * 60;

/** Keys shorter than this are refused: HS256 and HMAC-SHA256 want at least 256 bits. */
const MIN_KEY_LENGTH = 32;

export type KeySource = () => Promise<Uint8Array>;

/**
 * A key from `value` (the environment) or else from the secret `secretId`; `name` says which key,
 * for the error of a function deployed without either.
 */
export function secretKey(name: string, value: string | undefined, secretId: string | undefined): KeySource {
  if (value !== undefined) {
    const key = new TextEncoder().encode(value);
    return async () => key;
  }
  return async () => {
    if (secretId === undefined) throw new Error(`${name}: neither the key nor its secret id is configured`);
    const secret = await getSecret(secretId, { maxAge: SECRET_CACHE_SECONDS });
    if (typeof secret !== 'string' || secret.length < MIN_KEY_LENGTH) {
      throw new Error(`${name}: the secret is not a string of at least ${MIN_KEY_LENGTH} characters`);
    }
    return new TextEncoder().encode(secret);
  };
}

/** The signing key of resume tokens, from the function's settings. */
export function resumeTokenKey(settings: {
  resumeTokenSigningKey: string | undefined;
  resumeTokenSecretId: string | undefined;
}): KeySource {
  return secretKey('resume-token signing key', settings.resumeTokenSigningKey, settings.resumeTokenSecretId);
}

/**
 * The HMAC key of citizen ids, from the function's settings (`AUTH_HMAC_*`: the key that hashed
 * destinations, codes and citizen ids alike until the code key was split off, so citizen ids stay).
 */
export function citizenIdKey(settings: {
  authHmacKey: string | undefined;
  authHmacSecretId: string | undefined;
}): KeySource {
  return secretKey('citizen-id HMAC key', settings.authHmacKey, settings.authHmacSecretId);
}

/** The HMAC key of destinations and codes, from the function's settings (`AUTH_CODE_*`). */
export function codeHmacKey(settings: {
  authCodeKey: string | undefined;
  authCodeSecretId: string | undefined;
}): KeySource {
  return secretKey('one-time-code HMAC key', settings.authCodeKey, settings.authCodeSecretId);
}

/**
 * The HMAC key of paging cursors (`CURSOR_*`): its own key, so the functions that page
 * (`ticket.list`, `history.get`) hold none that signs tokens or hashes identities.
 */
export function cursorKey(settings: {
  cursorKey: string | undefined;
  cursorSecretId: string | undefined;
}): KeySource {
  return secretKey('paging-cursor HMAC key', settings.cursorKey, settings.cursorSecretId);
}
