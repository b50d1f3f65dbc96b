/**
 * The registry adapters against a real HTTP server on a free port (no mocked fetch): the contract's
 * answers, a registry that hangs (timeouts, retries), one that fails (the circuit opens and then
 * answers at once without calling it), and the local sample dataset matched by a hashed e-mail.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseDestination } from '#domain/identification.ts';
import { RegistryUnavailableError } from '#domain/ports/portal-registry.ts';
import { HmacCitizenIds } from './identity-hasher.ts';
import { HttpPortalRegistry, SampleDataPortalRegistry } from './portal-registry.ts';

const APPLICATION = {
  serviceId: 'passport.foreign',
  serviceTitle: { ru: 'Загранпаспорт на 5 лет', en: 'Foreign travel passport (5 years)' },
  number: '20260915-001234',
  submittedAt: '2026-09-15T09:12:00Z',
  status: 'in_progress',
  nextStep: { ru: 'Документ оформляется', en: 'The document is being made' },
  handledBy: { ru: 'ГУ МВД', en: 'Interior Ministry' },
};

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

async function registryServer(
  handle: (path: string, respond: (status: number, body?: unknown) => void) => void,
) {
  const seen: string[] = [];
  server = createServer((request, response) => {
    seen.push(`${request.url} ${request.headers.authorization ?? ''}`);
    handle(request.url ?? '', (status, body) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(body === undefined ? '' : JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { baseUrl: `http://127.0.0.1:${port}/registry`, seen };
}

describe('the portal registry over HTTPS', () => {
  it('reads a citizen’s applications by citizen id, and a citizen it does not know has none', async () => {
    const { baseUrl, seen } = await registryServer((path, respond) =>
      path.includes('known') ? respond(200, { applications: [APPLICATION] }) : respond(404),
    );
    const registry = new HttpPortalRegistry({ baseUrl, token: async () => 't0ken' });
    expect(await registry.applicationsOf('known-citizen')).toEqual([APPLICATION]);
    expect(await registry.applicationsOf('stranger')).toEqual([]);
    expect(seen[0]).toBe('/registry/citizens/known-citizen/applications Bearer t0ken');
  });

  it('gives up on a registry that does not answer: each attempt cut at the timeout, retried, then unavailable', async () => {
    const { baseUrl, seen } = await registryServer(() => undefined);
    const registry = new HttpPortalRegistry({ baseUrl, timeoutMs: 100, retries: 1 });
    const started = Date.now();
    await expect(registry.applicationsOf('c')).rejects.toBeInstanceOf(RegistryUnavailableError);
    expect(seen).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('opens the circuit after failures in a row and answers unavailable at once, without calling', async () => {
    const { baseUrl, seen } = await registryServer((_, respond) => respond(503, { error: 'maintenance' }));
    const registry = new HttpPortalRegistry({ baseUrl, retries: 0, breakAfter: 3, halfOpenAfterMs: 60_000 });
    for (let i = 0; i < 3; i++)
      await expect(registry.applicationsOf('c')).rejects.toBeInstanceOf(RegistryUnavailableError);
    expect(seen).toHaveLength(3);
    await expect(registry.applicationsOf('c')).rejects.toBeInstanceOf(RegistryUnavailableError);
    expect(seen).toHaveLength(3);
  });

  it('refuses an answer outside the contract as unavailable, not as "no applications"', async () => {
    const { baseUrl } = await registryServer((_, respond) => respond(200, { items: [] }));
    const registry = new HttpPortalRegistry({ baseUrl, retries: 0 });
    await expect(registry.applicationsOf('c')).rejects.toBeInstanceOf(RegistryUnavailableError);
  });
});

describe('the sample registry of the local stack', () => {
  it('matches a seeded citizen by the e-mail they verified, hashed as identification hashes it', async () => {
    const key = Buffer.alloc(32, 7);
    const ids = new HmacCitizenIds(async () => key);
    const registry = new SampleDataPortalRegistry(
      join(import.meta.dirname, '..', '..', 'local', 'portal-registry', 'applications.json'),
      (destination) => ids.citizenId(destination),
    );
    const anna = await ids.citizenId(parseDestination({ email: 'Anna.Petrova@example.org' }));
    const applications = await registry.applicationsOf(anna);
    expect(applications.length).toBeGreaterThan(5);
    expect(applications.map((a) => a.serviceId)).toContain('passport.foreign');
    expect(await registry.applicationsOf('someone-else')).toEqual([]);
  });
});
