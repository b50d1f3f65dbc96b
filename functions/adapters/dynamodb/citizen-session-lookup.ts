/** The sessions a verified citizen has used: SessionsTable index `byCitizenSms` (sparse: verified sessions only). */
import type { CitizenSessionLookup } from '#domain/ports/sessions.ts';
import { paginateQuery } from '#shared/aws-sdk/lib-dynamodb.ts';
import { documentClient } from './document-client.ts';

export const SESSIONS_BY_CITIZEN_INDEX = 'byCitizenSms';

export class DynamoCitizenSessionLookup implements CitizenSessionLookup {
  constructor(private readonly sessionsTable: string) {}

  async sessionIdsOf(citizenId: string): Promise<string[]> {
    const sessionIds: string[] = [];
    const pages = paginateQuery(
      { client: documentClient },
      {
        TableName: this.sessionsTable,
        IndexName: SESSIONS_BY_CITIZEN_INDEX,
        KeyConditionExpression: 'citizenId = :citizenId',
        ExpressionAttributeValues: { ':citizenId': citizenId },
        ProjectionExpression: 'sessionId',
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        if (typeof item.sessionId === 'string') sessionIds.push(item.sessionId);
      }
    }
    return sessionIds;
  }
}
