import { App } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { configFromContext } from '../../infra/context.ts';
import { productionApp, resourceByPath, resourcesOf, synthesizeApp } from './synth.ts';

// Prepare
const { chat, template } = productionApp();
const httpApis = Object.entries(resourcesOf(template, 'AWS::ApiGatewayV2::Api')).filter(
  ([, api]) => api.Properties.ProtocolType === 'HTTP',
);
const feedbackFunctionId = chat.getLogicalId(chat.tickets.portalFeedback.node.defaultChild as never);

describe("the portal's feedback API", () => {
  it('is one HTTP API with the single route POST /feedback, a Lambda proxy to PortalFeedback', () => {
    // Prepare
    const [[apiId]] = httpApis as [[string, unknown]];
    const routes = Object.values(resourcesOf(template, 'AWS::ApiGatewayV2::Route')).filter(
      (route) => JSON.stringify(route.Properties.ApiId) === JSON.stringify({ Ref: apiId }),
    );

    // Assess
    expect(httpApis).toHaveLength(1);
    expect(routes.map((route) => route.Properties.RouteKey)).toEqual(['POST /feedback']);
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      ApiId: { Ref: apiId },
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
      IntegrationUri: { 'Fn::GetAtt': [feedbackFunctionId, 'Arn'] },
    });
  });

  it('throttles its stage and writes access logs without bodies or query strings', () => {
    // Prepare
    const [, stage] = resourceByPath(template, 'AWS::ApiGatewayV2::Stage', 'TicketsFeedbackStage');
    const format = JSON.parse((stage.Properties.AccessLogSettings as { Format: string }).Format) as Record<
      string,
      string
    >;

    // Assess
    expect(stage.Properties).toMatchObject({
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 20, ThrottlingBurstLimit: 50 },
    });
    expect(Object.values(format).join(' ')).not.toMatch(/body|querystring|rawQueryString|header/i);
  });

  it('sends no CORS headers unless the portal origins are configured, then allows exactly those', () => {
    // Prepare
    const [, api] = httpApis[0] as [string, { Properties: Record<string, unknown> }];
    const configured = synthesizeApp({ portalOrigins: ['https://www.gosuslugi.ru'] }).template;

    // Assess
    expect(api.Properties.CorsConfiguration).toBeUndefined();
    configured.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      ProtocolType: 'HTTP',
      CorsConfiguration: {
        AllowOrigins: ['https://www.gosuslugi.ru'],
        AllowMethods: ['POST'],
        AllowHeaders: ['content-type', 'idempotency-key'],
      },
    });
  });

  it('reads the portal origins from context, as a list or comma-separated, and refuses a URL with a path', () => {
    const props = (value: unknown) =>
      configFromContext(new App({ context: { portalOrigins: value } }).node).portalOrigins;
    expect(props('https://a.example, https://b.example')).toEqual(['https://a.example', 'https://b.example']);
    expect(props(['https://a.example'])).toEqual(['https://a.example']);
    expect(() => props('https://a.example/feedback')).toThrow();
  });

  it('outputs the URL the portal posts to', () => {
    template.hasOutput('FeedbackApiUrl', {
      Value: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('/feedback$')])] },
    });
  });

  it('lets PortalFeedback read the HMAC key of citizen ids and nothing of identification besides', () => {
    expect(chat.tickets.portalFeedback).toBeDefined();
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ AUTH_HMAC_SECRET_ID: Match.anyValue() }) },
      Description: Match.stringLikeRegexp('feedback form'),
    });
  });

  it('gives the public form no key that hashes one-time codes: the secrets it reads are not the code key', () => {
    // Prepare: the secrets each function's role may read (GetSecretValue on an imported ARN).
    const secretsReadBy = (fnId: string) => {
      const fn = resourcesOf(template, 'AWS::Lambda::Function')[fnId];
      const roleId = JSON.stringify(fn?.Properties.Role).match(/"([A-Za-z0-9]+Role[A-Za-z0-9]*)"/)?.[1] ?? '';
      return Object.values(resourcesOf(template, 'AWS::IAM::Policy'))
        .filter((p) => JSON.stringify(p.Properties.Roles).includes(`"${roleId}"`))
        .flatMap(
          (p) =>
            (p.Properties.PolicyDocument as { Statement: { Action: unknown; Resource: unknown }[] })
              .Statement,
        )
        .filter((s) => JSON.stringify(s.Action).includes('secretsmanager:GetSecretValue'))
        .map((s) => JSON.stringify(s.Resource));
    };
    const verifyCodeId = chat.getLogicalId(
      chat.node.findChild('Identification').node.findChild('AuthVerifyCode').node.defaultChild as never,
    );

    // Act
    const formSecrets = secretsReadBy(feedbackFunctionId);
    const codeSecrets = secretsReadBy(verifyCodeId);

    // Assess: one secret (citizen ids), and none that auth.verifyCode hashes codes with.
    expect(formSecrets).toHaveLength(1);
    expect(codeSecrets.length).toBeGreaterThan(0);
    for (const secret of formSecrets) expect(codeSecrets).not.toContain(secret);
  });
});
