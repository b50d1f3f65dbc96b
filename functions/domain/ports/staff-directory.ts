/**
 * The port of the operators' user pool as the authority on who is staff now: an ID token says what
 * the groups were when it was issued (up to an hour ago); the pool says what they are.
 */

/** A pool user as the chat needs it. Never logged: `givenName` is personal data. */
export interface StaffAccount {
  /** False for a user an administrator disabled. */
  enabled: boolean;
  /** The user's groups (`operator`, `senior`, …). */
  groups: readonly string[];
  /** `given_name`: set by an administrator only, the name citizens see. */
  givenName?: string;
}

export interface StaffDirectory {
  /** The user named `username` (`cognito:username`); undefined when there is none (deleted). */
  account(username: string): Promise<StaffAccount | undefined>;
}
