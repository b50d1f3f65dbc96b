/**
 * Staff as the user pool says now, not as their ID token said when it was issued (up to an hour
 * before), on the local stack and its local Cognito: an operator removed, disabled or taken out of
 * the staff groups is refused at their next frame, and a demoted senior acts as an operator from
 * their next frame on — the senior queue is theirs no more. The test stack re-asks the pool every
 * second (STAFF_RECHECK_SECONDS, test/global-setup.ts); AWS every 30 s.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import {
  AdminAddUserToGroupCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminRemoveUserFromGroupCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, inject, it } from 'vitest';
import { useClients } from '../support/clients.ts';
import { createAndSignIn, publicConfig } from '../support/operator-sign-in.ts';

const httpUrl = inject('localHttpUrl');
const { connect } = useClients();
const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}));
/** Longer than the test stack's STAFF_RECHECK_SECONDS: the next frame sees the pool's change. */
const RECHECK_MS = 1200;

type Ids = { UserPoolId: string; Username: string };

/** Runs one admin call of the local pool on `username`. */
async function administer(
  username: string,
  call: (client: CognitoIdentityProviderClient, ids: Ids) => Promise<unknown>,
): Promise<void> {
  const { cognito } = await publicConfig(httpUrl);
  const client = new CognitoIdentityProviderClient({
    endpoint: cognito.endpoint,
    region: cognito.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    await call(client, { UserPoolId: cognito.userPoolId, Username: username });
  } finally {
    client.destroy();
  }
}

/** A new staff member of `groups`, signed in and connected, their first frame answered. */
async function connectedStaff(groups: string[]) {
  const username = `staff-${randomUUID().slice(0, 8)}`;
  const signedIn = await createAndSignIn(httpUrl, username, groups);
  const console = await connect({ token: signedIn.idToken });
  const first = await console.request({ action: 'queue.stats' });
  expect(first.type).toBe('queue.stats');
  return { username, sub: signedIn.sub, console };
}

describe('staff access checked against the user pool at every frame', () => {
  it.each([
    [
      'deleted',
      'UNAUTHORIZED',
      (c: CognitoIdentityProviderClient, i: Ids) => c.send(new AdminDeleteUserCommand(i)),
    ],
    [
      'disabled',
      'UNAUTHORIZED',
      (c: CognitoIdentityProviderClient, i: Ids) => c.send(new AdminDisableUserCommand(i)),
    ],
    [
      'taken out of the operator group',
      'FORBIDDEN',
      (c: CognitoIdentityProviderClient, i: Ids) =>
        c.send(new AdminRemoveUserFromGroupCommand({ ...i, GroupName: 'operator' })),
    ],
  ] as const)(
    'refuses an operator %s at their next frame (%s), with their token still valid',
    async (_, code, change) => {
      // Prepare
      const { username, console } = await connectedStaff(['operator']);

      // Act
      await administer(username, change);
      await delay(RECHECK_MS);
      const answers = [
        await console.request({ action: 'queue.stats' }),
        await console.request({ action: 'operator.heartbeat' }),
        await console.request({ action: 'ticket.list' }),
      ];

      // Assess
      for (const answer of answers) expect(answer).toMatchObject({ type: 'error', code });
    },
  );

  it('makes a demoted senior an operator at their next frame: the senior skill and queue are gone', async () => {
    // Prepare: a senior, away (so the shared stack's queues are not touched), with the default skills.
    const { username, sub, console } = await connectedStaff(['senior']);
    const before = await console.request({ action: 'operator.status', status: 'away' });
    expect(before.skills).toContain('senior');

    // Act: the administrator moves them from `senior` to `operator`.
    await administer(username, (c, i) =>
      c.send(new AdminAddUserToGroupCommand({ ...i, GroupName: 'operator' })),
    );
    await administer(username, (c, i) =>
      c.send(new AdminRemoveUserFromGroupCommand({ ...i, GroupName: 'senior' })),
    );
    await delay(RECHECK_MS);
    const heartbeat = await console.request({ action: 'operator.heartbeat' });
    const after = await console.request({ action: 'operator.status', status: 'away' });
    const asked = await console.request({
      action: 'operator.status',
      status: 'away',
      skills: ['senior', 'legal'],
    });

    // Assess: stored as an operator (the dispatcher gives the senior queue to seniors only).
    expect(heartbeat.type).toBe('operator.heartbeat');
    expect(after.skills).not.toContain('senior');
    expect(asked.skills).toEqual(['legal']);
    const { Item } = await documents.send(
      new GetCommand({ TableName: String(process.env.OPERATORS_TABLE), Key: { operatorId: sub } }),
    );
    expect(Item?.role).toBe('operator');
  });
});
