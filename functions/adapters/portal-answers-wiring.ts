/**
 * The portal's registry of applications as the bot worker wires it (docs/architecture.md, "The
 * portal's registry of applications"): a verified citizen's "where is my application" answered
 * from it. Only the worker imports this; `message.send` hands such a turn to the worker.
 */
import { createMentionReader } from '#domain/mfc/mentions.ts';
import { answerApplications } from '#domain/portal/application-answers.ts';
import type { PortalRegistry } from '#domain/ports/portal-registry.ts';
import type { Lang } from '#events/lang.ts';
import { config } from '#shared/config.ts';
import { DynamoCitizenVisits } from './dynamodb/citizen-visits.ts';
import { HmacCitizenIds } from './identity-hasher.ts';
import { loadMfcDirectory } from './mfc-directory.ts';
import { HttpPortalRegistry, SampleDataPortalRegistry } from './portal-registry.ts';
import { portalRegistryToken } from './portal-registry-token.ts';
import { systemClock } from './system.ts';

/** `applicationAnswers` of a bot turn, when a registry is configured. */
export function portalAnswersWiring():
  | { applicationAnswers: (citizenId: string, text: string, lang: Lang) => Promise<string> }
  | Record<string, never> {
  const registry = portalRegistry();
  if (!registry) return {};
  const directory = loadMfcDirectory(config.mfcDirectoryDir);
  const mentions = createMentionReader(directory);
  // The citizen's MFC visits, mentioned with their applications.
  const visits = {
    citizenVisits: new DynamoCitizenVisits(config.visitsTable),
    directory,
    clock: systemClock,
  };
  return {
    applicationAnswers: (citizenId, text, lang) =>
      answerApplications({ registry, mentions, visits }, citizenId, text, lang),
  };
}

/** The portal's registry: its HTTPS API when configured, the sample dataset on the local stack, or none. */
function portalRegistry(): PortalRegistry | undefined {
  const url = config.portalRegistryUrl;
  if (url)
    return new HttpPortalRegistry({
      baseUrl: url,
      timeoutMs: config.portalRegistryTimeoutMs,
      token: portalRegistryToken({
        token: config.portalRegistryToken,
        secretId: config.portalRegistryTokenSecretId,
      }),
    });
  const sample = config.portalRegistrySampleFile;
  if (!sample) return undefined;
  // The sample is the local stack's, where the citizen-id key is in the environment (AUTH_HMAC_KEY);
  // read as secret-keys.ts reads it, without bundling the Secrets Manager client it would need in AWS.
  const key = config.authHmacKey;
  if (!key) throw new Error('the portal registry sample needs AUTH_HMAC_KEY');
  const bytes = new TextEncoder().encode(key);
  const citizenIds = new HmacCitizenIds(async () => bytes);
  return new SampleDataPortalRegistry(sample, (destination) => citizenIds.citizenId(destination));
}
