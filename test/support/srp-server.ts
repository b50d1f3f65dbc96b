/**
 * The server side of Cognito's SRP, for tests only: written apart from the console's client
 * (web/console/srp.ts) with node:crypto — the group from Node's own RFC 3526 group 15 (`modp15`),
 * HKDF from `hkdfSync`, numbers padded through Buffers — so that a shared mistake is unlikely and a
 * wrong password, a wrong pool or a wrong timestamp fails the claim as Cognito would.
 */
import {
  createHash,
  createHmac,
  getDiffieHellman,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';

const N = BigInt(`0x${getDiffieHellman('modp15').getPrime('hex')}`);
const G = 2n;

/** A number as the bytes of a signed big-endian integer (a 0x00 in front of a high bit). */
function signedBytes(value: bigint): Buffer {
  let hex = value.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  const bytes = Buffer.from(hex, 'hex');
  return (bytes[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes;
}

function sha256(...parts: Buffer[]): Buffer {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
}

const toBigInt = (bytes: Buffer) => BigInt(`0x${bytes.toString('hex') || '0'}`);

function power(base: bigint, exponent: bigint): bigint {
  let result = 1n;
  let square = ((base % N) + N) % N;
  for (let e = exponent; e > 0n; e /= 2n) {
    if (e % 2n === 1n) result = (result * square) % N;
    square = (square * square) % N;
  }
  return result;
}

const K = toBigInt(sha256(signedBytes(N), signedBytes(G)));

/** What the server keeps for a user: salt and verifier v = g^x. */
export interface SrpUser {
  poolName: string;
  userId: string;
  salt: Buffer;
  verifier: bigint;
}

function privateKey(poolName: string, userId: string, password: string, salt: Buffer): bigint {
  const inner = sha256(Buffer.from(`${poolName}${userId}:${password}`, 'utf8'));
  return toBigInt(sha256(signedBytes(toBigInt(salt)), inner));
}

export function srpUser(userPoolId: string, userId: string, password: string): SrpUser {
  const poolName = userPoolId.split('_')[1] ?? '';
  const salt = randomBytes(16);
  return { poolName, userId, salt, verifier: power(G, privateKey(poolName, userId, password, salt)) };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const TIMESTAMP =
  /^(Sun|Mon|Tue|Wed|Thu|Fri|Sat) ([A-Z][a-z]{2}) ([1-9]|[12]\d|3[01]) (\d\d):(\d\d):(\d\d) UTC (\d{4})$/;

/** Cognito's "ddd MMM D HH:mm:ss UTC YYYY" as ms since the epoch; undefined when not in that form. */
function parseTimestamp(text: string): number | undefined {
  const match = TIMESTAMP.exec(text);
  if (!match) return undefined;
  const [, day, month, date, hours, minutes, seconds, year] = match;
  const at = Date.UTC(
    Number(year),
    MONTHS.indexOf(month ?? ''),
    Number(date),
    Number(hours),
    Number(minutes),
    Number(seconds),
  );
  const weekday = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][new Date(at).getUTCDay()];
  return MONTHS.includes(month ?? '') && weekday === day ? at : undefined;
}

/** One sign-in attempt: the challenge to send and the check of the claim that comes back. */
export class SrpServerSession {
  private readonly b = toBigInt(randomBytes(64));
  readonly B: bigint;
  readonly secretBlock = randomBytes(48).toString('base64');

  constructor(
    private readonly user: SrpUser,
    private readonly A: bigint,
  ) {
    if (A % N === 0n) throw new Error('illegal A');
    this.B = (K * user.verifier + power(G, this.b)) % N;
  }

  /** The `PASSWORD_VERIFIER` challenge's parameters. */
  challenge(): Record<string, string> {
    return {
      SALT: this.user.salt.toString('hex'),
      SRP_B: this.B.toString(16),
      SECRET_BLOCK: this.secretBlock,
      USER_ID_FOR_SRP: this.user.userId,
    };
  }

  /** True when the claim proves the password: the signature Cognito would compute, over this timestamp. */
  verify(responses: Record<string, string | undefined>, now = new Date()): boolean {
    const timestamp = responses.TIMESTAMP ?? '';
    const signedAt = parseTimestamp(timestamp);
    if (signedAt === undefined || Math.abs(signedAt - now.getTime()) > 5 * 60_000) return false;
    if (responses.PASSWORD_CLAIM_SECRET_BLOCK !== this.secretBlock) return false;
    const u = toBigInt(sha256(signedBytes(this.A), signedBytes(this.B)));
    if (u === 0n) return false;
    const S = power(this.A * power(this.user.verifier, u), this.b);
    const key = Buffer.from(hkdfSync('sha256', signedBytes(S), signedBytes(u), 'Caldera Derived Key', 16));
    const expected = createHmac('sha256', key)
      .update(Buffer.from(this.user.poolName, 'utf8'))
      .update(Buffer.from(this.user.userId, 'utf8'))
      .update(Buffer.from(this.secretBlock, 'base64'))
      .update(Buffer.from(timestamp, 'utf8'))
      .digest();
    const given = Buffer.from(responses.PASSWORD_CLAIM_SIGNATURE ?? '', 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}
