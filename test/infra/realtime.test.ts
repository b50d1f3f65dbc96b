import type { CfnElement } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { environmentOf, productionApp, resourcesOf, synthesizeApp } from './synth.ts';

// Prepare
const { chat, template } = productionApp();
const webSocketApiId = chat.getLogicalId(chat.realtime.api.node.defaultChild as CfnElement);
// The WebSocket API's routes only (the feedback form's HTTP API has routes of its own).
const routes = Object.fromEntries(
  Object.entries(resourcesOf(template, 'AWS::ApiGatewayV2::Route')).filter(
    ([, route]) => JSON.stringify(route.Properties.ApiId) === JSON.stringify({ Ref: webSocketApiId }),
  ),
);
const routeByKey = new Map(
  Object.entries(routes).map(([id, route]) => [route.Properties.RouteKey, { id, route }]),
);
const integrations = resourcesOf(template, 'AWS::ApiGatewayV2::Integration');
const functions = resourcesOf(template, 'AWS::Lambda::Function');

/** Logical id of the function a route's integration invokes. */
function functionBehind(routeKey: string): string | undefined {
  const target = JSON.stringify(routeByKey.get(routeKey)?.route.Properties.Target);
  const integration = Object.entries(integrations).find(([id]) => target.includes(`"${id}"`))?.[1];
  const uri = JSON.stringify(integration?.Properties.IntegrationUri);
  return Object.keys(functions).find((id) => uri.includes(`"${id}"`));
}

describe('the WebSocket API', () => {
  it('selects routes on the action field of the frame', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      ProtocolType: 'WEBSOCKET',
      RouteSelectionExpression: '$request.body.action',
    });
  });

  it.each([
    ['$connect', 'functions/handlers/connect.ts'],
    ['$disconnect', 'functions/handlers/disconnect.ts'],
    ['$default', 'functions/handlers/default-route.ts'],
    ['hello', 'functions/handlers/hello.ts'],
    ['message.send', 'functions/handlers/message-send.ts'],
    ['history.get', 'functions/handlers/history-get.ts'],
    ['suggest', 'functions/handlers/suggest.ts'],
    ['operator.request', 'functions/handlers/operator-request.ts'],
  ])('routes %s to %s', (routeKey, entry) => {
    const fnId = functionBehind(routeKey);
    expect(fnId).toBeDefined();
    expect(functions[fnId as string]?.Metadata?.['local:entry']).toBe(entry);
  });

  it('has exactly the routes implemented so far', () => {
    expect([...routeByKey.keys()].sort()).toEqual(
      [
        '$connect',
        '$default',
        '$disconnect',
        'attachment.create',
        'attachment.url',
        'attachment.get',
        'hello',
        'history.get',
        'message.send',
        'suggest',
        'operator.request',
        'auth.requestCode',
        'auth.verifyCode',
        'ticket.get',
        'ticket.list',
        'ticket.setStatus',
        'feedback.submit',
        'operator.status',
        'operator.next',
        'operator.heartbeat',
        'conversation.accept',
        'queue.stats',
        'operator.reply',
        'operator.note',
        'operator.transfer',
        'canned.list',
        'typing',
        'push.register',
        'session.end',
        'transcript.get',
        'mfc.offices',
        'mfc.slots',
        'mfc.book',
        'mfc.cancel',
        'mfc.reschedule',
        'mfc.visits',
      ].sort(),
    );
  });

  it.each([
    '$default',
    'hello',
    'message.send',
    'history.get',
    'suggest',
    'operator.request',
    'auth.requestCode',
    'auth.verifyCode',
  ])('answers %s through a route response', (routeKey) => {
    const route = routeByKey.get(routeKey);
    expect(route?.route.Properties.RouteResponseSelectionExpression).toBe('$default');
    template.hasResourceProperties('AWS::ApiGatewayV2::RouteResponse', {
      RouteId: { Ref: route?.id },
      RouteResponseKey: '$default',
    });
  });

  it.each(['$connect', '$disconnect'])(
    'gives %s no route response (API Gateway ignores it there)',
    (routeKey) => {
      const route = routeByKey.get(routeKey);
      expect(route?.route.Properties.RouteResponseSelectionExpression).toBeUndefined();
      const responses = Object.values(resourcesOf(template, 'AWS::ApiGatewayV2::RouteResponse'));
      expect(
        responses.filter((r) => JSON.stringify(r.Properties.RouteId).includes(`"${route?.id}"`)),
      ).toEqual([]);
    },
  );

  it('authorizes $connect, and only $connect, with the Authorize function and no identity source', () => {
    const authorizers = resourcesOf(template, 'AWS::ApiGatewayV2::Authorizer');
    const [authorizerId, authorizer] = Object.entries(authorizers)[0] ?? [];
    expect(Object.keys(authorizers)).toHaveLength(1);
    expect(authorizer?.Properties).toMatchObject({ AuthorizerType: 'REQUEST' });
    // No identity source: a guest without a token must still reach the authorizer.
    expect(authorizer?.Properties.IdentitySource ?? []).toEqual([]);
    const authorizeFn = Object.entries(functions).find(
      ([, fn]) => fn.Metadata?.['local:entry'] === 'functions/handlers/authorize.ts',
    )?.[0];
    expect(JSON.stringify(authorizer?.Properties.AuthorizerUri)).toContain(`"${authorizeFn}"`);

    for (const [routeKey, { route }] of routeByKey) {
      if (routeKey === '$connect') {
        expect(route.Properties).toMatchObject({
          AuthorizationType: 'CUSTOM',
          AuthorizerId: { Ref: authorizerId },
        });
      } else {
        expect(route.Properties.AuthorizationType).toBe('NONE');
      }
    }
  });

  it('tells the authorizer the browser origins it admits: the portal origins and the Web stack origin', () => {
    const origins = (context: Record<string, unknown>) => {
      const fns = resourcesOf(synthesizeApp(context).template, 'AWS::Lambda::Function');
      const authorize = Object.values(fns).find(
        (fn) => fn.Metadata?.['local:entry'] === 'functions/handlers/authorize.ts',
      );
      return authorize ? environmentOf(authorize).ALLOWED_ORIGINS : undefined;
    };

    expect(origins({})).toBe('');
    expect(
      origins({
        portalOrigins: 'https://www.gosuslugi.ru,https://m.gosuslugi.ru',
        webOrigin: 'https://d111111abcdef8.cloudfront.net',
      }),
    ).toBe('https://www.gosuslugi.ru,https://m.gosuslugi.ru,https://d111111abcdef8.cloudfront.net');
    expect(() => origins({ webOrigin: 'https://d111111abcdef8.cloudfront.net/console/' })).toThrow(/origin/);
  });
});

describe('the WebSocket stage', () => {
  it('deploys automatically under the configured name, v1 by default', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', { StageName: 'v1', AutoDeploy: true });
    const custom = synthesizeApp({ stageName: 'beta' }).template;
    custom.hasResourceProperties('AWS::ApiGatewayV2::Stage', { StageName: 'beta' });
  });

  it("sets the account's CloudWatch Logs role before the stage, which cannot log without it", () => {
    const [accountId] = Object.keys(resourcesOf(template, 'AWS::ApiGateway::Account'));
    expect(accountId).toBeDefined();
    template.hasResource('AWS::ApiGatewayV2::Stage', { DependsOn: Match.arrayWith([accountId]) });
    template.hasResource('AWS::ApiGateway::Account', { DeletionPolicy: 'Retain' });
  });

  it('leaves the account logging role alone where the platform team manages it', () => {
    const managedElsewhere = synthesizeApp({ configureApiGatewayAccountLogsRole: false }).template;
    managedElsewhere.resourceCountIs('AWS::ApiGateway::Account', 0);
  });

  it('throttles the default route settings', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 500, ThrottlingBurstLimit: 1000 },
    });
  });

  it('writes JSON access logs with the fields on-call needs, and no message bodies', () => {
    const stage = Object.values(resourcesOf(template, 'AWS::ApiGatewayV2::Stage'))[0];
    const settings = stage?.Properties.AccessLogSettings as { Format: string; DestinationArn: unknown };
    const format = JSON.parse(settings.Format) as Record<string, string>;
    expect(format).toMatchObject({
      requestId: '$context.requestId',
      connectionId: '$context.connectionId',
      routeKey: '$context.routeKey',
      status: '$context.status',
      integrationError: '$context.integration.error',
    });
    expect(settings.Format).not.toMatch(/body|querystring/i);
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: Match.anyValue() });
  });
});

describe('the @connections management API', () => {
  const postingFunctions = Object.entries(functions).filter(
    ([, fn]) => environmentOf(fn).WS_CONNECTIONS_ENDPOINT !== undefined,
  );
  const apiId = chat.getLogicalId(chat.realtime.api.node.defaultChild as CfnElement);

  it('is used by the bot worker', () => {
    expect(postingFunctions.map(([, fn]) => fn.Metadata?.['local:entry'])).toContain(
      'functions/handlers/bot-worker.ts',
    );
  });

  it('is reached at https://{apiId}.execute-api.{region}.{urlSuffix}/{stage}', () => {
    for (const [, fn] of postingFunctions) {
      expect(environmentOf(fn).WS_CONNECTIONS_ENDPOINT).toEqual({
        'Fn::Join': [
          '',
          [
            'https://',
            { Ref: apiId },
            '.execute-api.',
            { Ref: 'AWS::Region' },
            '.',
            { Ref: 'AWS::URLSuffix' },
            '/v1',
          ],
        ],
      });
    }
  });

  it('may be called only on this API and stage, never on Resource *', () => {
    const statements = Object.values(resourcesOf(template, 'AWS::IAM::Policy')).flatMap(
      (policy) =>
        (policy.Properties.PolicyDocument as { Statement: { Action: unknown; Resource: unknown }[] })
          .Statement,
    );
    const manage = statements.filter((s) =>
      JSON.stringify(s.Action).includes('execute-api:ManageConnections'),
    );
    expect(manage).toHaveLength(postingFunctions.length);
    for (const statement of manage) {
      const resources = Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
      for (const resource of resources) expect(JSON.stringify(resource)).toContain(`{"Ref":"${apiId}"}`);
      // POST, and DELETE (closing a connection) only where it is the pair [POST, DELETE].
      const methods = resources.map(
        (resource) => /\/v1\/([A-Z]+)\/@connections\/\*/.exec(JSON.stringify(resource))?.[1],
      );
      expect([['POST'], ['POST', 'DELETE']]).toContainEqual(methods);
    }
  });

  it("lets only auth.verifyCode, session.end and a citizen's erasure close connections (DELETE)", () => {
    const roleOf = (fn: (typeof functions)[string]) =>
      (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const closingRoles = Object.values(resourcesOf(template, 'AWS::IAM::Policy'))
      .filter((policy) => JSON.stringify(policy.Properties.PolicyDocument).includes('/DELETE/@connections/*'))
      .flatMap((policy) => (policy.Properties.Roles as { Ref: string }[]).map((role) => role.Ref));
    const closing = Object.values(functions)
      .filter((fn) => closingRoles.includes(roleOf(fn)))
      .map((fn) => fn.Metadata?.['local:entry'])
      .sort();
    expect(closing).toEqual([
      'functions/handlers/auth-verify-code.ts',
      'functions/handlers/privacy-erase.ts',
      'functions/handlers/session-end.ts',
    ]);
  });
});

describe('the stack outputs', () => {
  it('give the platform team the WebSocket URL of the stage, the on-call topic and the dashboard', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(JSON.stringify(outputs.WebSocketUrl?.Value)).toContain('wss://');
    expect(JSON.stringify(outputs.OnCallTopicArn?.Value)).toMatch(/Ref/);
    expect(outputs.DashboardName?.Value).toEqual({ Ref: expect.stringMatching(/^MonitoringDashboard/) });
  });
});
