/**
 * The keyed hashes of identification (HMAC-SHA256, base64url): what VerificationCodesTable and the
 * sessions store instead of a phone, an e-mail or a code. Each hash is domain-separated by a prefix,
 * so a destination key can never equal a citizen id or a code hash of the same input.
 *
 * Two keys, so that a function holds only the one it uses: the code key (destination keys and code
 * hashes: `auth.requestCode`, `auth.verifyCode`) and the citizen-id key (citizen ids:
 * `auth.requestCode` and the portal's public form, which must not be able to forge code hashes).
 */
import { createHmac } from 'node:crypto';
import type { Destination, IdentityHasher } from '#domain/identification.ts';
import type { KeySource } from './secret-keys.ts';

async function hmac(key: KeySource, input: string): Promise<string> {
  return createHmac('sha256', await key())
    .update(input, 'utf8')
    .digest('base64url');
}

/** Destination keys and code hashes, under the code key. */
export class HmacCodeHashes implements Pick<IdentityHasher, 'destinationKey' | 'codeHash'> {
  constructor(private readonly codeKey: KeySource) {}

  destinationKey(destination: Destination): Promise<string> {
    return hmac(this.codeKey, `destination:${destination.channel}:${destination.identity}`);
  }

  codeHash(destinationKey: string, code: string): Promise<string> {
    return hmac(this.codeKey, `code:${destinationKey}:${code}`);
  }
}

/** Citizen ids, under the citizen-id key. */
export class HmacCitizenIds implements Pick<IdentityHasher, 'citizenId'> {
  constructor(private readonly citizenKey: KeySource) {}

  /**
   * Stable: the same phone (or mailbox, however spelled) is the same citizen in every session, for
   * as long as the key.
   */
  citizenId(destination: Destination): Promise<string> {
    return hmac(this.citizenKey, `citizen:${destination.identity}`);
  }
}

/** Every hash of identification, each under its own key (`auth.requestCode`). */
export class HmacIdentityHasher implements IdentityHasher {
  private readonly codes: HmacCodeHashes;
  private readonly citizens: HmacCitizenIds;

  constructor(keys: { codeKey: KeySource; citizenKey: KeySource }) {
    this.codes = new HmacCodeHashes(keys.codeKey);
    this.citizens = new HmacCitizenIds(keys.citizenKey);
  }

  destinationKey(destination: Destination): Promise<string> {
    return this.codes.destinationKey(destination);
  }

  codeHash(destinationKey: string, code: string): Promise<string> {
    return this.codes.codeHash(destinationKey, code);
  }

  citizenId(destination: Destination): Promise<string> {
    return this.citizens.citizenId(destination);
  }
}
