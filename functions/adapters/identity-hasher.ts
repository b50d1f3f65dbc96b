/**
 * The keyed hashes of identification (HMAC-SHA256, base64url): what VerificationCodesTable and the
 * sessions store instead of a phone, an e-mail or a code. Each hash is domain-separated by a prefix,
 * so a destination key can never equal a citizen id or a code hash of the same input.
 */
import { createHmac } from 'node:crypto';
import type { Destination, IdentityHasher } from '#domain/identification.ts';
import type { KeySource } from './secret-keys.ts';

export class HmacIdentityHasher implements IdentityHasher {
  constructor(private readonly key: KeySource) {}

  async destinationKey(destination: Destination): Promise<string> {
    return this.hmac(`destination:${destination.channel}:${destination.identity}`);
  }

  async codeHash(destinationKey: string, code: string): Promise<string> {
    return this.hmac(`code:${destinationKey}:${code}`);
  }

  /**
   * Stable: the same phone (or mailbox, however spelled) is the same citizen in every session, for
   * as long as the key.
   */
  async citizenId(destination: Destination): Promise<string> {
    return this.hmac(`citizen:${destination.identity}`);
  }

  private async hmac(input: string): Promise<string> {
    return createHmac('sha256', await this.key())
      .update(input, 'utf8')
      .digest('base64url');
  }
}
