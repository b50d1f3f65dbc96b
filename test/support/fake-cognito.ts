/**
 * A stand-in for Cognito's sign-in API, for the console's browser tests of what the local Cognito
 * (cognito-local) cannot do: SRP (`USER_SRP_AUTH` → `PASSWORD_VERIFIER`, checked with the
 * independent server side of test/support/srp-server.ts) and the challenges of a pool with MFA
 * required — `NEW_PASSWORD_REQUIRED`, `MFA_SETUP` (`AssociateSoftwareToken`, `VerifySoftwareToken`
 * with a session, as AWS does them) and `SOFTWARE_TOKEN_MFA` — in Cognito's JSON protocol and error
 * shapes. It is used ONLY for these challenges: the tokens it hands out at the end are real ones of
 * the local pool (the test signs the same operator in there), so the desk, the socket and the
 * refresh after it are the local stack's own. Every call is recorded for the test to assess.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { SrpServerSession, type SrpUser, srpUser } from './srp-server.ts';

export interface CognitoCall {
  target: string;
  body: Record<string, unknown>;
}

export type CognitoAnswer = { status: number; body: Record<string, unknown> } | 'forward';

type Stage = 'NEW_PASSWORD_REQUIRED' | 'MFA_SETUP' | 'ASSOCIATED' | 'VERIFIED' | 'SOFTWARE_TOKEN_MFA';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function base32(bytes: Buffer): string {
  let bits = '';
  for (const byte of bytes) bits += byte.toString(2).padStart(8, '0');
  let out = '';
  for (let i = 0; i + 5 <= bits.length; i += 5) out += BASE32[Number.parseInt(bits.slice(i, i + 5), 2)];
  return out;
}

function fromBase32(text: string): Buffer {
  let bits = '';
  for (const char of text.toUpperCase()) bits += BASE32.indexOf(char).toString(2).padStart(5, '0');
  const bytes: number[] = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(Number.parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

/** RFC 6238 TOTP (SHA-1, 30 s, 6 digits), as authenticator apps and Cognito compute it. */
export function totp(secret: string, at = Date.now()): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 30_000)));
  const mac = createHmac('sha1', fromBase32(secret)).update(counter).digest();
  const offset = (mac.at(-1) ?? 0) & 0x0f;
  const value = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(value).padStart(6, '0');
}

const fails = (type: string, message: string): CognitoAnswer => ({
  status: 400,
  body: { __type: type, message },
});

const POLICY = [/.{14,}/, /[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/];

export class ChallengingCognito {
  readonly calls: CognitoCall[] = [];
  /** Calls it did not expect (a test asserts there are none). */
  readonly unexpected: CognitoCall[] = [];
  /** The TOTP key once associated (what the QR code must carry). */
  secret: string | undefined;
  private user: SrpUser;
  private mustChangePassword = true;
  private mfaReady = false;
  private srp: SrpServerSession | undefined;
  private readonly sessions = new Map<string, Stage>();

  constructor(
    private readonly options: {
      userPoolId: string;
      /** What the operator types to sign in. */
      login: string;
      /** The pool's id of the user (`USER_ID_FOR_SRP`), e.g. its sub. */
      userId: string;
      temporaryPassword: string;
      /** The real tokens to hand out once every challenge is passed. */
      tokens: () => Promise<Record<string, unknown>>;
    },
  ) {
    this.user = srpUser(options.userPoolId, options.userId, options.temporaryPassword);
  }

  private session(stage: Stage): string {
    const id = randomBytes(24).toString('base64');
    this.sessions.set(id, stage);
    return id;
  }

  /** The stage `body.Session` is at, used up (Cognito's sessions are one step each). */
  private take(body: Record<string, unknown>, stage: Stage): boolean {
    const id = String(body.Session ?? '');
    if (this.sessions.get(id) !== stage) return false;
    this.sessions.delete(id);
    return true;
  }

  private next(): CognitoAnswer {
    const userId = this.options.userId;
    if (this.mustChangePassword)
      return {
        status: 200,
        body: {
          ChallengeName: 'NEW_PASSWORD_REQUIRED',
          Session: this.session('NEW_PASSWORD_REQUIRED'),
          ChallengeParameters: { USER_ID_FOR_SRP: userId, requiredAttributes: '[]', userAttributes: '{}' },
        },
      };
    if (!this.mfaReady)
      return {
        status: 200,
        body: {
          ChallengeName: 'MFA_SETUP',
          Session: this.session('MFA_SETUP'),
          ChallengeParameters: { MFAS_CAN_SETUP: '["SOFTWARE_TOKEN_MFA"]', USER_ID_FOR_SRP: userId },
        },
      };
    return {
      status: 200,
      body: {
        ChallengeName: 'SOFTWARE_TOKEN_MFA',
        Session: this.session('SOFTWARE_TOKEN_MFA'),
        ChallengeParameters: { USER_ID_FOR_SRP: userId },
      },
    };
  }

  private async signedIn(): Promise<CognitoAnswer> {
    return {
      status: 200,
      body: { ChallengeParameters: {}, AuthenticationResult: await this.options.tokens() },
    };
  }

  private codeMatches(code: unknown): boolean {
    if (!this.secret || typeof code !== 'string') return false;
    const now = Date.now();
    return [-30_000, 0, 30_000].some((skew) => totp(this.secret ?? '', now + skew) === code);
  }

  async handle(target: string, body: Record<string, unknown>): Promise<CognitoAnswer> {
    const call = { target, body };
    this.calls.push(call);
    const params = (body.AuthParameters ?? {}) as Record<string, string>;
    const responses = (body.ChallengeResponses ?? {}) as Record<string, string>;
    const expired = fails('NotAuthorizedException', 'Invalid session for the user, session is expired.');
    if (target === 'InitiateAuth' && body.AuthFlow === 'REFRESH_TOKEN_AUTH') return 'forward';
    if (target === 'InitiateAuth' && body.AuthFlow === 'USER_SRP_AUTH') {
      if (params.USERNAME !== this.options.login || !params.SRP_A)
        return fails('NotAuthorizedException', 'Incorrect username or password.');
      this.srp = new SrpServerSession(this.user, BigInt(`0x${params.SRP_A}`));
      return {
        status: 200,
        body: {
          ChallengeName: 'PASSWORD_VERIFIER',
          ChallengeParameters: { ...this.srp.challenge(), USERNAME: this.options.userId },
        },
      };
    }
    if (target === 'RespondToAuthChallenge' && responses.USERNAME !== this.options.userId) {
      this.unexpected.push(call);
      return fails('InvalidParameterException', 'USERNAME is not the USER_ID_FOR_SRP');
    }
    if (target === 'RespondToAuthChallenge' && body.ChallengeName === 'PASSWORD_VERIFIER') {
      const srp = this.srp;
      this.srp = undefined;
      if (!srp?.verify(responses)) return fails('NotAuthorizedException', 'Incorrect username or password.');
      return this.next();
    }
    if (target === 'RespondToAuthChallenge' && body.ChallengeName === 'NEW_PASSWORD_REQUIRED') {
      const password = responses.NEW_PASSWORD ?? '';
      if (this.sessions.get(String(body.Session)) !== 'NEW_PASSWORD_REQUIRED') return expired;
      if (!POLICY.every((rule) => rule.test(password)) || password === this.options.temporaryPassword)
        return fails('InvalidPasswordException', 'Password does not conform to policy');
      this.take(body, 'NEW_PASSWORD_REQUIRED');
      this.user = srpUser(this.options.userPoolId, this.options.userId, password);
      this.mustChangePassword = false;
      return this.next();
    }
    if (target === 'AssociateSoftwareToken') {
      if (!this.take(body, 'MFA_SETUP')) return expired;
      this.secret = base32(randomBytes(20));
      return { status: 200, body: { SecretCode: this.secret, Session: this.session('ASSOCIATED') } };
    }
    if (target === 'VerifySoftwareToken') {
      if (this.sessions.get(String(body.Session)) !== 'ASSOCIATED') return expired;
      if (!this.codeMatches(body.UserCode)) return fails('EnableSoftwareTokenMFAException', 'Code mismatch');
      this.take(body, 'ASSOCIATED');
      return { status: 200, body: { Status: 'SUCCESS', Session: this.session('VERIFIED') } };
    }
    if (target === 'RespondToAuthChallenge' && body.ChallengeName === 'MFA_SETUP') {
      if (!this.take(body, 'VERIFIED')) return expired;
      this.mfaReady = true;
      return this.signedIn();
    }
    if (target === 'RespondToAuthChallenge' && body.ChallengeName === 'SOFTWARE_TOKEN_MFA') {
      if (this.sessions.get(String(body.Session)) !== 'SOFTWARE_TOKEN_MFA') return expired;
      if (!this.codeMatches(responses.SOFTWARE_TOKEN_MFA_CODE))
        return fails('CodeMismatchException', 'Invalid code received for user');
      this.take(body, 'SOFTWARE_TOKEN_MFA');
      return this.signedIn();
    }
    this.unexpected.push(call);
    return fails('InvalidParameterException', `not expected here: ${target}`);
  }
}
