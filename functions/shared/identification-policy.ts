/** The limits of identification (`functions/domain/identification.ts`) from the function's settings. */
import type { IdentificationPolicy } from '#domain/identification.ts';
import type { Config } from './config.ts';

export function identificationPolicy(config: Config): IdentificationPolicy {
  return {
    codeTtlSeconds: config.authCodeTtlSeconds,
    destination: {
      intervalSeconds: config.authResendIntervalSeconds,
      maxPerWindow: config.authMaxCodesPerHour,
      windowSeconds: config.authRateWindowSeconds,
    },
    session: {
      intervalSeconds: config.authSessionIntervalSeconds,
      maxPerWindow: config.authMaxCodesPerSession,
      windowSeconds: config.authRateWindowSeconds,
    },
    maxAttempts: config.authMaxAttempts,
    lockSeconds: config.authLockSeconds,
  };
}
