/**
 * The operators' user pool read with the Cognito admin API: `AdminGetUser` (enabled, `given_name`)
 * and `AdminListGroupsForUser` (the groups), both on the one pool (`COGNITO_USER_POOL_ID`), the only
 * calls and the only resource the functions' role allows (`OperatorPool.checkedBy`). Locally the
 * same calls go to the local Cognito (`AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER`).
 */
import type { StaffAccount, StaffDirectory } from '#domain/ports/staff-directory.ts';
import {
  type CognitoIdentityProviderClient,
  cognitoSdk,
} from '#shared/aws-sdk/client-cognito-identity-provider.ts';

/** An operator is in two groups at most; one page holds them. */
const GROUPS_PAGE = 10;

export class CognitoStaffDirectory implements StaffDirectory {
  #cognito: CognitoIdentityProviderClient | undefined;

  /**
   * Create one per Lambda, at module scope. Without `cognito`, the client (and the SDK package) is
   * made on the first call: most cold starts of the routes that hold one are citizens'.
   */
  constructor(
    private readonly userPoolId: string,
    cognito?: CognitoIdentityProviderClient,
  ) {
    this.#cognito = cognito;
  }

  async account(username: string): Promise<StaffAccount | undefined> {
    const {
      AdminGetUserCommand,
      AdminListGroupsForUserCommand,
      CognitoIdentityProviderClient,
      UserNotFoundException,
    } = cognitoSdk();
    this.#cognito ??= new CognitoIdentityProviderClient({});
    const cognito = this.#cognito;
    try {
      const [user, groups] = await Promise.all([
        cognito.send(new AdminGetUserCommand({ UserPoolId: this.userPoolId, Username: username })),
        cognito.send(
          new AdminListGroupsForUserCommand({
            UserPoolId: this.userPoolId,
            Username: username,
            Limit: GROUPS_PAGE,
          }),
        ),
      ]);
      const givenName = user.UserAttributes?.find((attribute) => attribute.Name === 'given_name')?.Value;
      return {
        enabled: user.Enabled !== false,
        groups: (groups.Groups ?? []).flatMap((group) => (group.GroupName ? [group.GroupName] : [])),
        ...(givenName === undefined ? {} : { givenName }),
      };
    } catch (error) {
      if (error instanceof UserNotFoundException) return undefined;
      throw error;
    }
  }
}
