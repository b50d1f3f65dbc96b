/**
 * The authorization matrix on the local stack, with real connections: guest (no token), citizen
 * (identified by e-mail through auth.requestCode / the outbox / auth.verifyCode, then reconnected
 * with its resume token), a guest who identified on its open connection, operator and senior
 * (real ID tokens from the local Cognito) × every action route of the synthesized template — so a
 * route added later is walked without touching this file.
 *
 * The probe frame carries a `requestId` that is not a string: the policy runs before validation,
 * so a refused pair answers exactly UNAUTHORIZED/FORBIDDEN, and an admitted pair BAD_REQUEST from
 * its schema — without running any use case (no side effect on the shared stack). Then well-formed
 * frames on the caller's own resources must never be refused.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { type Action, policyOf, refusalFor, verdictFor } from '#domain/authorization.ts';
import type { Role } from '#events/authorizer-context.ts';
import { synthesizeTemplate } from '../../local/synth.ts';
import { webSocketApi } from '../../local/template.ts';
import { verifyByEmail } from '../support/citizens.ts';
import { useClients } from '../support/clients.ts';
import { signInAs } from '../support/operator-sign-in.ts';
import type { ChatClient, Frame } from '../support/ws-client.ts';

const { connect } = useClients();
const httpUrl = inject('localHttpUrl');

const actionRoutes = [...webSocketApi(synthesizeTemplate()).routes.keys()]
  .filter((routeKey) => !routeKey.startsWith('$'))
  .sort();

type Column = Role | 'guest verified on its connection';
const COLUMNS: readonly Column[] = [
  'guest',
  'citizen',
  'guest verified on its connection',
  'operator',
  'senior',
];

/** Opens a connection as `column`, through the real flows. */
async function connectAs(column: Column): Promise<ChatClient> {
  switch (column) {
    case 'guest':
      return connect({ lang: 'en' });
    case 'citizen': {
      const first = await connect({ lang: 'en' });
      const verified = await verifyByEmail(first, httpUrl);
      await first.close();
      return connect({ token: String(verified.resumeToken), lang: 'en' });
    }
    case 'guest verified on its connection': {
      const client = await connect({ lang: 'en' });
      await verifyByEmail(client, httpUrl);
      return client;
    }
    case 'operator':
    case 'senior':
      return connect({ token: (await signInAs(httpUrl, column)).idToken, lang: 'en' });
  }
}

/** What the probe frame must get: the refusal, or BAD_REQUEST (admitted, then its schema refused it). */
function expectedProbeAnswer(routeKey: string, column: Column): string {
  const policy = policyOf(routeKey);
  // A guest who verified on its connection is a citizen to the policy (resolved from its session).
  const role: Role = column === 'guest verified on its connection' ? 'citizen' : column;
  const verdict = verdictFor(policy, column === 'guest verified on its connection' ? 'guest' : role);
  if (verdict === 'admit') return 'BAD_REQUEST';
  if (verdict !== 'resolve' || !policy) return verdict;
  return policy.roles.includes(role) ? 'BAD_REQUEST' : refusalFor(policy, role);
}

/** Sends `{action, requestId: 0}` and waits for its (un-echoed) error answer. */
async function probe(client: ChatClient, action: string): Promise<string> {
  const answer = client.waitFor((frame) => frame.type === 'error' && frame.requestId === undefined);
  client.send({ action, requestId: 0 });
  return String((await answer).code);
}

describe('the authorization matrix over every route of the template', () => {
  it('walks the routes of the template (including the ones of docs/protocol.md implemented so far)', () => {
    expect(actionRoutes).toEqual(
      expect.arrayContaining(['hello', 'message.send', 'history.get', 'auth.verifyCode']),
    );
  });

  it.each(COLUMNS)(
    'answers a %s exactly as the policy says on every route, and keeps the connection',
    async (column) => {
      // Prepare
      const client = await connectAs(column);

      // Act
      const answers: Record<string, string> = {};
      for (const routeKey of actionRoutes) answers[routeKey] = await probe(client, routeKey);
      const welcome = await client.request({ action: 'hello' });

      // Assess
      const expected = Object.fromEntries(
        actionRoutes.map((routeKey) => [routeKey, expectedProbeAnswer(routeKey, column)]),
      );
      expect(answers).toEqual(expected);
      expect(welcome).toMatchObject({ type: 'welcome' });
    },
  );
});

/**
 * Well-formed frames on the caller's own resources (or on none: an unknown id is NOT_FOUND, never
 * FORBIDDEN), with the answer each must get once admitted.
 */
interface WellFormed {
  fields(client: ChatClient, column: Column): Promise<Record<string, unknown>>;
  answer: Record<string, unknown> | ((column: Column) => Record<string, unknown>);
}

const isStaff = (column: Column) => column === 'operator' || column === 'senior';
const WELL_FORMED: Partial<Record<Action, WellFormed>> = {
  hello: { fields: async () => ({}), answer: { type: 'welcome' } },
  'message.send': {
    fields: async () => ({ clientMessageId: randomUUID(), text: 'как записаться к врачу' }),
    answer: { type: 'message.ack' },
  },
  // A citizen's own conversation; staff own none here (assignment is the assignment's): an unknown one.
  'history.get': {
    fields: async (client, column) => {
      if (isStaff(column)) return { conversationId: randomUUID() };
      const ack = await client.request({
        action: 'message.send',
        clientMessageId: randomUUID(),
        text: 'привет',
      });
      return { conversationId: ack.conversationId };
    },
    answer: (column) => (isStaff(column) ? { type: 'error', code: 'NOT_FOUND' } : { type: 'history' }),
  },
  suggest: { fields: async () => ({ text: 'забыл па' }), answer: { type: 'suggestions' } },
  'ticket.list': { fields: async () => ({}), answer: { type: 'tickets' } },
  'ticket.get': {
    fields: async () => ({ ticketId: randomUUID() }),
    answer: { type: 'error', code: 'NOT_FOUND' },
  },
  'canned.list': { fields: async () => ({ query: 'пароль' }), answer: { type: 'canned' } },
  'operator.heartbeat': { fields: async () => ({}), answer: { type: 'operator.heartbeat' } },
  'conversation.accept': {
    fields: async () => ({ conversationId: randomUUID() }),
    answer: { type: 'error', code: 'NOT_FOUND' },
  },
};

const wellFormedCases = COLUMNS.flatMap((column) =>
  (Object.keys(WELL_FORMED) as Action[])
    .filter(
      (routeKey) =>
        actionRoutes.includes(routeKey) && expectedProbeAnswer(routeKey, column) === 'BAD_REQUEST',
    )
    .map((routeKey) => [routeKey, column] as const),
);

describe('well-formed frames of admitted callers', () => {
  it.each(wellFormedCases)(
    '%s by a %s is answered, never refused by authorization',
    async (routeKey, column) => {
      // Prepare
      const client = await connectAs(column);
      const probeOf = WELL_FORMED[routeKey] as WellFormed;

      // Act
      const answer: Frame = await client.request({
        action: routeKey,
        ...(await probeOf.fields(client, column)),
      });

      // Assess
      expect(answer).toMatchObject(
        typeof probeOf.answer === 'function' ? probeOf.answer(column) : probeOf.answer,
      );
    },
  );
});
