/**
 * Access in the template: the operators' user pool (groups, no self sign-up, strong passwords, MFA,
 * threat protection), the console's public client, the authorizer's Cognito settings, and the
 * authorization policy covering every route (with SessionsTable read where it resolves a guest).
 */
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { policyOf } from '../../functions/domain/authorization.ts';
import { environmentOf, productionApp, resourcesOf, type TemplateResource } from './synth.ts';

// Prepare
const { chat, data, template } = productionApp();
const json = template.toJSON() as { Outputs: Record<string, unknown> };
const functions = resourcesOf(template, 'AWS::Lambda::Function');
const webSocketApiId = chat.getLogicalId(chat.realtime.api.node.defaultChild as never);
// The WebSocket API's routes only: the feedback form's HTTP API (POST /feedback) has no actions.
const routes = Object.fromEntries(
  Object.entries(resourcesOf(template, 'AWS::ApiGatewayV2::Route')).filter(
    ([, route]) => JSON.stringify(route.Properties.ApiId) === JSON.stringify({ Ref: webSocketApiId }),
  ),
);
const integrations = resourcesOf(template, 'AWS::ApiGatewayV2::Integration');
const policies = resourcesOf(template, 'AWS::IAM::Policy');
const [poolId] = Object.keys(resourcesOf(template, 'AWS::Cognito::UserPool'));
const [clientId] = Object.keys(resourcesOf(template, 'AWS::Cognito::UserPoolClient'));
const sessionsTableId = data.getLogicalId(data.tables.sessions.node.defaultChild as never);

function functionBehind(routeTarget: unknown): string {
  const target = JSON.stringify(routeTarget);
  const integration = Object.entries(integrations).find(([id]) => target.includes(`"${id}"`))?.[1];
  const uri = JSON.stringify(integration?.Properties.IntegrationUri);
  const fnId = Object.keys(functions).find((id) => uri.includes(`"${id}"`));
  if (!fnId) throw new Error(`no function behind ${target}`);
  return fnId;
}

/** The IAM actions a function's role may do on the sessions table. */
function sessionsActionsOf(fnId: string): string[] {
  const roleRef = (functions[fnId] as TemplateResource).Properties.Role as { 'Fn::GetAtt': string[] };
  const role = JSON.stringify(roleRef['Fn::GetAtt'][0]);
  return Object.values(policies)
    .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(role))
    .flatMap(
      (policy) =>
        (
          policy.Properties.PolicyDocument as {
            Statement: { Action: string | string[]; Resource: unknown }[];
          }
        ).Statement,
    )
    .filter((statement) => JSON.stringify(statement.Resource).includes(`"${sessionsTableId}"`))
    .flatMap((statement) => [statement.Action].flat());
}

describe("the operators' user pool", () => {
  it('exists once, with one app client', () => {
    template.resourceCountIs('AWS::Cognito::UserPool', 1);
    template.resourceCountIs('AWS::Cognito::UserPoolClient', 1);
  });

  it('admits no self sign-up, requires strong passwords, TOTP MFA and enforced threat protection (Plus)', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      Policies: {
        PasswordPolicy: Match.objectLike({
          MinimumLength: 14,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
        }),
      },
      MfaConfiguration: 'ON',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      UserPoolTier: 'PLUS',
      UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
      DeletionProtection: 'ACTIVE',
    });
  });

  it.each(['operator', 'senior'])('has the group %s', (groupName) => {
    template.hasResourceProperties('AWS::Cognito::UserPoolGroup', {
      GroupName: groupName,
      UserPoolId: { Ref: poolId },
    });
  });

  it('gives the console a public client: no secret, SRP and USER_PASSWORD_AUTH, no existence leaks', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      ExplicitAuthFlows: Match.arrayWith(['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH']),
      PreventUserExistenceErrors: 'ENABLED',
      EnableTokenRevocation: true,
    });
  });

  it('outputs the pool and client ids', () => {
    expect(json.Outputs.UserPoolId).toMatchObject({ Value: { Ref: poolId } });
    expect(json.Outputs.UserPoolClientId).toMatchObject({ Value: { Ref: clientId } });
  });

  it("lets the console's app client write the locale only: never the name citizens are shown", () => {
    const client = resourcesOf(template, 'AWS::Cognito::UserPoolClient')[clientId as string];
    // An empty or absent list would let the client write every attribute.
    expect(client?.Properties.WriteAttributes).toEqual(['locale']);
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      Schema: Match.arrayWith([Match.objectLike({ Name: 'given_name', Required: true, Mutable: true })]),
    });
  });

  it('gives the $connect authorizer the pool and client ids, and only the authorizer the client id', () => {
    const withClient = Object.entries(functions).filter(([, fn]) => 'COGNITO_CLIENT_ID' in environmentOf(fn));
    expect(withClient.map(([, fn]) => fn.Metadata?.['local:entry'])).toEqual([
      'functions/handlers/authorize.ts',
    ]);
    const env = environmentOf(withClient[0]?.[1] as never);
    expect(env.COGNITO_USER_POOL_ID).toEqual({ Ref: poolId });
    expect(env.COGNITO_CLIENT_ID).toEqual({ Ref: clientId });
  });

  it('lets the function of every route staff may send read the pool (AdminGetUser, AdminListGroupsForUser) on that pool only, and no other function', () => {
    const staffFunctions = [
      ...new Set(
        Object.values(routes)
          .filter((route) => policyOf(String(route.Properties.RouteKey))?.roles.includes('operator'))
          .map((route) => functionBehind(route.Properties.Target)),
      ),
    ];
    const statements = Object.values(policies).flatMap((policy) =>
      (
        policy.Properties.PolicyDocument as { Statement: { Action: unknown; Resource: unknown }[] }
      ).Statement.map((statement) => ({ statement, roles: JSON.stringify(policy.Properties.Roles) })),
    );
    const cognito = statements.filter(({ statement }) =>
      JSON.stringify(statement.Action).includes('cognito-idp:'),
    );
    const roleOf = (id: string) =>
      ((functions[id] as TemplateResource).Properties.Role as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];

    expect(staffFunctions.length).toBeGreaterThanOrEqual(15);
    for (const id of staffFunctions) {
      expect(environmentOf(functions[id] as never).COGNITO_USER_POOL_ID).toEqual({ Ref: poolId });
      expect(cognito.some(({ roles }) => roles.includes(`"${roleOf(id)}"`))).toBe(true);
    }
    expect(cognito).toHaveLength(staffFunctions.length);
    for (const { statement } of cognito) {
      expect(statement.Action).toEqual(['cognito-idp:AdminGetUser', 'cognito-idp:AdminListGroupsForUser']);
      expect(JSON.stringify(statement.Resource)).toContain(poolId);
      expect(JSON.stringify(statement.Resource)).not.toContain('*');
    }
  });
});

describe('the authorization policy in the template', () => {
  const actionRoutes = Object.values(routes)
    .map((route) => ({ key: String(route.Properties.RouteKey), target: route.Properties.Target }))
    .filter((route) => !route.key.startsWith('$'));

  it('has a row for every action route of the API', () => {
    const missing = actionRoutes.filter((route) => policyOf(route.key) === undefined).map((r) => r.key);
    expect(missing).toEqual([]);
  });

  it('lets every route that resolves a guest from its session read SessionsTable', () => {
    const resolving = actionRoutes.filter((route) => policyOf(route.key)?.resolveCitizen);
    expect(resolving.length).toBeGreaterThan(0);
    for (const route of resolving) {
      const fnId = functionBehind(route.target);
      expect(environmentOf(functions[fnId] as never), route.key).toHaveProperty('SESSIONS_TABLE');
      expect(sessionsActionsOf(fnId), route.key).toContain('dynamodb:GetItem');
    }
  });
});
