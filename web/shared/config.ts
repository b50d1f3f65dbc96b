/** What the pages read from `/config.json` (written by the local stack, or at deploy time in AWS). */
export interface PublicConfig {
  wsUrl: string;
  cognito?: {
    region: string;
    userPoolId: string;
    clientId: string;
    endpoint?: string;
    /** The local stack's Cognito (cognito-local, no SRP): the console signs in with USER_PASSWORD_AUTH. */
    local?: boolean;
  };
  /** Local only: the seeded accounts. */
  devAccounts?: { username: string; password: string; role: string }[];
  /** Where the portal's feedback form posts (`POST /feedback`). */
  feedbackUrl?: string;
}

export async function loadConfig(base: string): Promise<PublicConfig> {
  for (let attempt = 0; ; attempt++) {
    try {
      const response = await fetch(new URL('/config.json', base), { cache: 'no-store' });
      if (response.ok) return (await response.json()) as PublicConfig;
    } catch {
      // offline or starting: try again below
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(1000 * 2 ** attempt, 15000)));
  }
}
