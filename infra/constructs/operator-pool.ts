/**
 * Operators' sign-in (docs/requirements.md, "Identification"): a Cognito user pool with the groups `operator` and `senior`, and the app
 * client of the operator console. The console signs in (SRP, or USER_PASSWORD_AUTH over TLS) and
 * connects to the WebSocket with the ID token as `?token=`; the `$connect` authorizer verifies it
 * against this pool's JWKS (aws-jwt-verify) and takes the role from `cognito:groups`.
 *
 * Operators are created by an administrator (`admin-create-user` + `admin-add-user-to-group`,
 * docs/deploy.md): no self sign-up. TOTP MFA is required (set up at the first sign-in through the
 * `MFA_SETUP` challenge); no SMS factor (SIM swap, cost). Plus feature plan with threat protection
 * enforced: compromised-credential and risky sign-in detection block an attacker who has a password.
 */
import { CfnOutput, Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  AccountRecovery,
  CfnUserPoolGroup,
  ClientAttributes,
  FeaturePlan,
  Mfa,
  StandardThreatProtectionMode,
  UserPool,
  type UserPoolClient,
} from 'aws-cdk-lib/aws-cognito';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { HouseFunction } from './house-function.ts';

/** The groups whose members may connect as staff; `senior` wins when a user is in both. */
export const OPERATOR_GROUPS = {
  operator: 'Operators: take conversations from the queues, reply, set ticket statuses',
  senior: 'Senior operators: everything an operator does, plus transfers to the senior queue',
} as const;

/** Properties of {@link OperatorPool}. */
export interface OperatorPoolProps {
  /** Name of the pool, e.g. `support-chat-prod-operators`. */
  readonly userPoolName: string;
  /** Whether the pool (every operator's account) is retained and deletion-protected (production). */
  readonly retainData: boolean;
}

/** The operators' user pool and the console's app client. */
export class OperatorPool extends Construct {
  readonly userPool: UserPool;
  readonly client: UserPoolClient;

  constructor(scope: Construct, id: string, props: OperatorPoolProps) {
    super(scope, id);

    this.userPool = new UserPool(this, 'UserPool', {
      userPoolName: props.userPoolName,
      selfSignUpEnabled: false,
      signInAliases: { username: true, email: true },
      signInCaseSensitive: false,
      standardAttributes: {
        email: { required: true, mutable: true },
        // Shown to citizens as the operator's display name. Mutable by an administrator only: the
        // console's client may not write it (`writeAttributes` below).
        givenName: { required: true, mutable: true },
      },
      passwordPolicy: {
        minLength: 14,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
        passwordHistorySize: 12,
      },
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: props.retainData,
      // Operators' accounts outlive a stack replacement; deleting them is an administrator's decision.
      removalPolicy: props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });

    for (const [groupName, description] of Object.entries(OPERATOR_GROUPS)) {
      new CfnUserPoolGroup(this, `${groupName}Group`, {
        userPoolId: this.userPool.userPoolId,
        groupName,
        description,
      });
    }

    this.client = this.userPool.addClient('ConsoleClient', {
      userPoolClientName: 'operator-console',
      // A public web page: it cannot keep a secret.
      generateSecret: false,
      authFlows: { userSrp: true, userPassword: true },
      preventUserExistenceErrors: true,
      // What an operator may change about themselves with their own token (UpdateUserAttributes):
      // the console's locale only. Not `given_name` (or `name`): citizens are shown the name an
      // administrator set. Never empty: Cognito reads an empty list as "every attribute".
      writeAttributes: new ClientAttributes().withStandardAttributes({ locale: true }),
      enableTokenRevocation: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      // One shift; the console renews the ID token with it and reconnects.
      refreshTokenValidity: Duration.hours(12),
    });

    new CfnOutput(scope, 'UserPoolId', {
      description: "Operators' Cognito user pool (create operators here: docs/deploy.md)",
      value: this.userPool.userPoolId,
    });
    new CfnOutput(scope, 'UserPoolClientId', {
      description: 'App client of the operator console (no secret; SRP or USER_PASSWORD_AUTH)',
      value: this.client.userPoolClientId,
    });
  }

  /**
   * Lets `fn` verify this pool's ID tokens: sets `COGNITO_USER_POOL_ID` and `COGNITO_CLIENT_ID`.
   * No IAM grant is needed: the JWKS is public.
   */
  verifiedBy(fn: HouseFunction): void {
    fn.addEnvironment('COGNITO_USER_POOL_ID', this.userPool.userPoolId);
    fn.addEnvironment('COGNITO_CLIENT_ID', this.client.userPoolClientId);
  }

  /**
   * Lets `fn` check a staff caller against this pool at every frame (removed, disabled, demoted:
   * functions/domain/use-cases/confirm-staff.ts): sets `COGNITO_USER_POOL_ID` and allows
   * `cognito-idp:AdminGetUser` and `cognito-idp:AdminListGroupsForUser` on this pool only.
   */
  checkedBy(fn: HouseFunction): void {
    fn.addEnvironment('COGNITO_USER_POOL_ID', this.userPool.userPoolId);
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['cognito-idp:AdminGetUser', 'cognito-idp:AdminListGroupsForUser'],
        resources: [this.userPool.userPoolArn],
      }),
    );
  }
}
