/**
 * The adapters of the portal's registry of applications (ports/portal-registry.ts):
 *
 * - {@link HttpPortalRegistry}, in AWS: `GET {PORTAL_REGISTRY_URL}/citizens/{citizenId}/applications`
 *   over HTTPS (the contract: docs/architecture.md, "The portal's registry"), each attempt cut at
 *   `timeoutMs`, a failed or timed-out attempt retried twice with exponential backoff, and a circuit
 *   breaker (cockatiel) that, after 5 failures in a row, answers "unavailable" at once for 30 s instead
 *   of making every citizen wait for timeouts; one probe then closes it again. Every way of not
 *   answering becomes {@link RegistryUnavailableError}, which the bot turns into an honest message.
 * - {@link SampleDataPortalRegistry}, on the local stack: a sample dataset of applications of a few
 *   seeded test citizens (local/portal-registry/applications.json), matched by their phone or e-mail
 *   hashed into citizen ids with identification's key, as the real registry would match them.
 */
import { readFileSync } from 'node:fs';
import {
  ConsecutiveBreaker,
  circuitBreaker,
  ExponentialBackoff,
  handleAll,
  retry,
  TimeoutStrategy,
  timeout,
  wrap,
} from 'cockatiel';
import * as z from 'zod';
import { type Destination, parseDestination } from '#domain/identification.ts';
import {
  type PortalApplication,
  type PortalRegistry,
  RegistryUnavailableError,
} from '#domain/ports/portal-registry.ts';

const localized = z.object({ ru: z.string().min(1), en: z.string().min(1) });
const applicationSchema = z.object({
  serviceId: z.string().min(1),
  serviceTitle: localized,
  number: z.string().min(1),
  submittedAt: z.iso.datetime(),
  status: z.enum(['received', 'in_progress', 'needs_action', 'ready', 'completed', 'rejected']),
  nextStep: localized,
  handledBy: localized,
});
const responseSchema = z.object({ applications: z.array(applicationSchema) });

export interface HttpPortalRegistryOptions {
  baseUrl: string;
  /** Sent as `Authorization: Bearer …` (the portal's service token). */
  token?: string;
  /** @default 2000 per attempt */
  timeoutMs?: number;
  /** @default 2 retries after the first attempt */
  retries?: number;
  /** @default 5 failures in a row open the circuit */
  breakAfter?: number;
  /** @default 30000 ms open before one probe */
  halfOpenAfterMs?: number;
}

export class HttpPortalRegistry implements PortalRegistry {
  private readonly policy;

  constructor(private readonly options: HttpPortalRegistryOptions) {
    const breaker = circuitBreaker(handleAll, {
      halfOpenAfter: options.halfOpenAfterMs ?? 30_000,
      breaker: new ConsecutiveBreaker(options.breakAfter ?? 5),
    });
    const retries = retry(handleAll, {
      maxAttempts: options.retries ?? 2,
      backoff: new ExponentialBackoff({ initialDelay: 100, maxDelay: 1000 }),
    });
    // The breaker outside the retries: one citizen's question counts once, however often it was tried.
    this.policy = wrap(breaker, retries, timeout(options.timeoutMs ?? 2000, TimeoutStrategy.Aggressive));
  }

  async applicationsOf(citizenId: string): Promise<PortalApplication[]> {
    try {
      return await this.policy.execute(({ signal }) => this.fetchOnce(citizenId, signal));
    } catch (error) {
      throw new RegistryUnavailableError(error);
    }
  }

  private async fetchOnce(citizenId: string, signal: AbortSignal): Promise<PortalApplication[]> {
    const url = new URL(
      `citizens/${encodeURIComponent(citizenId)}/applications`,
      withSlash(this.options.baseUrl),
    );
    const response = await fetch(url, {
      signal,
      headers: {
        accept: 'application/json',
        ...(this.options.token ? { authorization: `Bearer ${this.options.token}` } : {}),
      },
    });
    // A citizen the registry does not know has no applications.
    if (response.status === 404) return [];
    if (!response.ok) throw new Error(`portal registry answered HTTP ${response.status}`);
    return responseSchema.parse(await response.json()).applications;
  }
}

const withSlash = (url: string) => (url.endsWith('/') ? url : `${url}/`);

const sampleSchema = z.object({
  citizens: z.array(
    z.object({
      phone: z.string().optional(),
      email: z.string().optional(),
      applications: z.array(applicationSchema),
    }),
  ),
});

export class SampleDataPortalRegistry implements PortalRegistry {
  private byCitizen: Promise<Map<string, PortalApplication[]>> | undefined;

  constructor(
    private readonly file: string,
    private readonly citizenIdOf: (destination: Destination) => Promise<string>,
  ) {}

  async applicationsOf(citizenId: string): Promise<PortalApplication[]> {
    this.byCitizen ??= this.load();
    return (await this.byCitizen).get(citizenId) ?? [];
  }

  private async load(): Promise<Map<string, PortalApplication[]>> {
    const sample = sampleSchema.parse(JSON.parse(readFileSync(this.file, 'utf8')));
    const entries = await Promise.all(
      sample.citizens.map(async ({ phone, email, applications }) => {
        const destination = parseDestination(phone ? { phone } : { email: email ?? '' });
        return [await this.citizenIdOf(destination), applications] as const;
      }),
    );
    return new Map(entries);
  }
}
