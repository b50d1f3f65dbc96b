/** The per-client limits (`functions/domain/client-limits.ts`) from the function's settings; the windows are fixed. */
import type { ClientLimits } from '#domain/client-limits.ts';
import type { Config } from './config.ts';

const MINUTE = 60;
const HOUR = 60 * 60;
const DAY = 24 * HOUR;

export function clientLimits(config: Config): ClientLimits {
  return {
    connectsPerIp: { max: config.limitConnectsPerIp, windowSeconds: MINUTE },
    connectsPerSession: { max: config.limitConnectsPerSession, windowSeconds: MINUTE },
    framesPerConnection: { max: config.limitFramesPerConnection, windowSeconds: MINUTE },
    framesPerSession: { max: config.limitFramesPerSession, windowSeconds: MINUTE },
    framesPerIp: { max: config.limitFramesPerIp, windowSeconds: MINUTE },
    operatorRequestsPerSession: { max: config.limitOperatorRequestsPerSession, windowSeconds: HOUR },
    operatorRequestsPerIp: { max: config.limitOperatorRequestsPerIp, windowSeconds: HOUR },
    codeRequestsPerIp: { max: config.limitCodeRequestsPerIp, windowSeconds: HOUR },
    formPostsPerIp: { max: config.limitFormPostsPerIp, windowSeconds: HOUR },
    formPostsPerContact: { max: config.limitFormPostsPerContact, windowSeconds: DAY },
  };
}
