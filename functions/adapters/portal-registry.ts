/**
 * The adapters of the portal's registry of applications (ports/portal-registry.ts):
 *
 * - {@link HttpPortalRegistry}, in AWS: `GET {PORTAL_REGISTRY_URL}/citizens/{citizenId}/applications`
 *   over HTTPS (the contract: docs/architecture.md, "The portal's registry"), each attempt cut at
 *   `timeoutMs`, a failed or timed-out attempt retried twice with exponential backoff, and a circuit
 *   breaker that, after 5 failed questions in a row, answers "unavailable" at once for 30 s instead
 *   of making every citizen wait for timeouts; one probe then closes it again. Written here rather
 *   than with a resilience library (cockatiel was tried): the bot worker's bundle has a 250 KB budget
 *   and these few lines are all of it that is used. Every way of not answering becomes
 *   {@link RegistryUnavailableError}, which the bot turns into an honest message.
 * - {@link SampleDataPortalRegistry}, on the local stack: a sample dataset of applications of a few
 *   seeded test citizens (local/portal-registry/applications.json), matched by their phone or e-mail
 *   hashed into citizen ids with identification's key, as the real registry would match them.
 */
import { readFileSync } from 'node:fs';
import type { Destination } from '#domain/identification.ts';
import {
  type PortalApplication,
  type PortalRegistry,
  RegistryUnavailableError,
} from '#domain/ports/portal-registry.ts';
import * as z from '#events/zod.ts';

const localized = z.object({ ru: z.string().check(z.minLength(1)), en: z.string().check(z.minLength(1)) });
const applicationSchema = z.object({
  serviceId: z.string().check(z.minLength(1)),
  serviceTitle: localized,
  number: z.string().check(z.minLength(1)),
  submittedAt: z.iso.datetime(),
  status: z.enum(['received', 'in_progress', 'needs_action', 'ready', 'completed', 'rejected']),
  nextStep: localized,
  handledBy: localized,
});
const responseSchema = z.object({ applications: z.array(applicationSchema) });

export interface HttpPortalRegistryOptions {
  baseUrl: string;
  /** Sent as `Authorization: Bearer …` (the portal's service token; functions/adapters/portal-registry-token.ts). */
  token?: () => Promise<string | undefined>;
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
  /** Questions in a row that failed (after their retries); the circuit opens at `breakAfter`. */
  private failures = 0;
  /** Until when (epoch ms) the circuit is open: no call is made. */
  private openUntil = 0;

  constructor(private readonly options: HttpPortalRegistryOptions) {}

  async applicationsOf(citizenId: string): Promise<PortalApplication[]> {
    if (Date.now() < this.openUntil) throw new RegistryUnavailableError(new Error('circuit open'));
    const attempts = 1 + (this.options.retries ?? 2);
    let last: unknown;
    for (let attempt = 0; attempt < attempts; attempt++) {
      if (attempt > 0)
        await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 100 * 2 ** (attempt - 1))));
      try {
        const applications = await this.fetchOnce(
          citizenId,
          AbortSignal.timeout(this.options.timeoutMs ?? 2000),
        );
        this.failures = 0;
        return applications;
      } catch (error) {
        last = error;
      }
    }
    // One citizen's question counts once, however often it was tried. Once open, the circuit lets
    // one probe through after `halfOpenAfterMs`; a failed probe opens it again at once.
    this.failures++;
    const breakAfter = this.options.breakAfter ?? 5;
    if (this.failures >= breakAfter) {
      this.openUntil = Date.now() + (this.options.halfOpenAfterMs ?? 30_000);
      this.failures = breakAfter - 1;
    }
    throw new RegistryUnavailableError(last);
  }

  private async fetchOnce(citizenId: string, signal: AbortSignal): Promise<PortalApplication[]> {
    const url = new URL(
      `citizens/${encodeURIComponent(citizenId)}/applications`,
      withSlash(this.options.baseUrl),
    );
    // A token that cannot be read fails this attempt like an unreachable registry.
    const token = await this.options.token?.();
    const response = await fetch(url, {
      signal,
      headers: {
        accept: 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
    });
    // A citizen the registry does not know has no applications.
    if (response.status === 404) return [];
    if (!response.ok) throw new Error(`portal registry answered HTTP ${response.status}`);
    return responseSchema.parse(await response.json()).applications;
  }
}

const withSlash = (url: string) => (url.endsWith('/') ? url : `${url}/`);

// Contacts written as identification normalises them (E.164, the canonical lower-case mailbox), so
// they hash to the same citizen ids without the phone and e-mail rules in the bot worker's bundle.
const sampleSchema = z.object({
  citizens: z.array(
    z.union([
      z.object({
        phone: z.string().check(z.regex(/^\+[1-9]\d{6,14}$/)),
        applications: z.array(applicationSchema),
      }),
      z.object({ email: z.email().check(z.toLowerCase()), applications: z.array(applicationSchema) }),
    ]),
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
      sample.citizens.map(async (citizen) => {
        const destination: Destination =
          'phone' in citizen
            ? { channel: 'sms', address: citizen.phone, identity: citizen.phone }
            : { channel: 'email', address: citizen.email, identity: citizen.email };
        return [await this.citizenIdOf(destination), citizen.applications] as const;
      }),
    );
    return new Map(entries);
  }
}
