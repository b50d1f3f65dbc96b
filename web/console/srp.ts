/**
 * The client side of Cognito's SRP sign-in (`USER_SRP_AUTH` → `PASSWORD_VERIFIER`), with WebCrypto
 * and BigInt: the password never leaves the browser. Cognito's variant of SRP-6a, as its own
 * clients (amazon-cognito-identity-js, Amplify) implement it:
 * - N is the 3072-bit group of RFC 5054 (RFC 3526 group 15), g = 2, k = H(N | g);
 * - H is SHA-256 over the bytes of the "padded" hex of numbers (even length, and a leading 00 when
 *   the first byte's high bit is set, as a signed big-endian integer);
 * - x = H(salt | H(poolName | userId | ":" | password)), poolName the part of the pool id after `_`;
 * - u = H(A | B); S = (B − k·gˣ)^(a + u·x) mod N;
 * - the key is HKDF-SHA256(ikm = S, salt = u, info = "Caldera Derived Key"), its first 16 bytes;
 * - the claim is HMAC-SHA256(key, poolName | userId | secretBlock (bytes) | timestamp), base64,
 *   with the timestamp as "ddd MMM D HH:mm:ss UTC YYYY" (day not padded).
 * A library was not a fit: the maintained ones need Node's Buffer and crypto polyfills in a browser
 * bundle (amazon-cognito-identity-js, cognito-srp-helper).
 */

/** RFC 5054's 3072-bit group (= RFC 3526 group 15). */
export const SRP_N = BigInt(
  '0xFFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD' +
    'EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED' +
    'EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F' +
    '83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B' +
    'E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510' +
    '15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7' +
    'ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C' +
    'BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF',
);
const N = SRP_N;
const g = 2n;
const INFO = 'Caldera Derived Key';

/** What Cognito's `PASSWORD_VERIFIER` challenge carries. */
export interface PasswordVerifierParameters {
  SALT: string;
  SRP_B: string;
  SECRET_BLOCK: string;
  USER_ID_FOR_SRP: string;
}

/** The answer to `PASSWORD_VERIFIER` (with `USERNAME` = `USER_ID_FOR_SRP`). */
export interface PasswordClaim {
  PASSWORD_CLAIM_SECRET_BLOCK: string;
  PASSWORD_CLAIM_SIGNATURE: string;
  TIMESTAMP: string;
}

export class SrpError extends Error {}

/** One SRP sign-in: a fresh random `a` per attempt. */
export class SrpClient {
  private constructor(
    private readonly poolName: string,
    private readonly a: bigint,
    readonly A: bigint,
  ) {}

  static create(userPoolId: string): SrpClient {
    const poolName = userPoolId.split('_')[1];
    if (!poolName) throw new SrpError('not a user pool id');
    for (;;) {
      const a = bytesToBigInt(crypto.getRandomValues(new Uint8Array(128))) % N;
      const A = modPow(g, a, N);
      if (a !== 0n && A !== 0n) return new SrpClient(poolName, a, A);
    }
  }

  /** `SRP_A` of `InitiateAuth`: A in hex. */
  get srpA(): string {
    return this.A.toString(16);
  }

  /** The password claim for the server's challenge; `now` is the moment it is signed. */
  async claim(
    challenge: PasswordVerifierParameters,
    password: string,
    now = new Date(),
  ): Promise<PasswordClaim> {
    const B = BigInt(`0x${challenge.SRP_B}`);
    if (B % N === 0n) throw new SrpError('the server sent an illegal B');
    const salt = BigInt(`0x${challenge.SALT}`);
    const u = await hashNumbers(this.A, B);
    if (u === 0n) throw new SrpError('u is zero');
    const k = await hashNumbers(N, g);
    const identity = await sha256(utf8(`${this.poolName}${challenge.USER_ID_FOR_SRP}:${password}`));
    const x = bytesToBigInt(await sha256(concat(hexToBytes(padHex(salt)), identity)));
    const base = mod(B - k * modPow(g, x, N), N);
    const S = modPow(base, this.a + u * x, N);
    const key = await hkdf(hexToBytes(padHex(S)), hexToBytes(padHex(u)));
    const timestamp = cognitoTimestamp(now);
    const signature = await hmac(
      key,
      concat(
        utf8(this.poolName),
        utf8(challenge.USER_ID_FOR_SRP),
        base64ToBytes(challenge.SECRET_BLOCK),
        utf8(timestamp),
      ),
    );
    return {
      PASSWORD_CLAIM_SECRET_BLOCK: challenge.SECRET_BLOCK,
      PASSWORD_CLAIM_SIGNATURE: bytesToBase64(signature),
      TIMESTAMP: timestamp,
    };
  }
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Cognito's timestamp: "ddd MMM D HH:mm:ss UTC YYYY" in English, e.g. "Wed Dec 2 07:05:09 UTC 2026". */
export function cognitoTimestamp(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return (
    `${DAYS[date.getUTCDay()]} ${MONTHS[date.getUTCMonth()]} ${date.getUTCDate()} ` +
    `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} UTC ${date.getUTCFullYear()}`
  );
}

/** The hex of a non-negative number as a signed big-endian integer: even length, 00 before a high bit. */
export function padHex(value: bigint): string {
  let hex = value.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  return /^[89a-f]/i.test(hex) ? `00${hex}` : hex;
}

async function hashNumbers(first: bigint, second: bigint): Promise<bigint> {
  return bytesToBigInt(await sha256(hexToBytes(padHex(first) + padHex(second))));
}

function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = mod(base, modulus);
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
    e >>= 1n;
  }
  return result;
}

function mod(value: bigint, modulus: bigint): bigint {
  const rest = value % modulus;
  return rest < 0n ? rest + modulus : rest;
}

async function sha256(data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', data as BufferSource));
}

async function hmac(key: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
  const imported = await crypto.subtle.importKey(
    'raw',
    key as BufferSource,
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  return new Uint8Array(await crypto.subtle.sign('HMAC', imported, data as BufferSource));
}

/** HKDF-SHA256 with one output block, cut to 16 bytes (Cognito's "Caldera Derived Key"). */
async function hkdf(ikm: Uint8Array, salt: Uint8Array): Promise<Uint8Array> {
  const prk = await hmac(salt, ikm);
  const okm = await hmac(prk, concat(utf8(INFO), new Uint8Array([1])));
  return okm.slice(0, 16);
}

function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

function bytesToBigInt(bytes: Uint8Array): bigint {
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex ? BigInt(`0x${hex}`) : 0n;
}

function base64ToBytes(base64: string): Uint8Array {
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

function bytesToBase64(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes));
}
