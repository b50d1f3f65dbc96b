/**
 * Where an offline citizen may be sent an SMS (docs/requirements.md#tickets, docs/requirements.md#offline-notifications: only citizens who opted in). Identification
 * stores no destination by default (only keyed hashes); a citizen who verified by SMS and agreed to
 * status SMS has `smsOptIn = true` and `smsPhone` (E.164) on that session. This reads the most recent
 * such session of the citizen (SessionsTable, index `byCitizenSms`). Personal data: never logged.
 */
import type { SmsContactReader } from '#domain/ports/out-of-band.ts';
import { QueryCommand } from '#shared/aws-sdk/lib-dynamodb.ts';
import { documentClient } from './dynamodb/document-client.ts';

const SESSIONS_BY_CITIZEN_INDEX = 'byCitizenSms';
const E164 = /^\+[1-9][0-9]{6,14}$/;

export class DynamoSmsContactReader implements SmsContactReader {
  constructor(private readonly sessionsTable: string) {}

  async smsPhoneOf(citizenId: string): Promise<string | undefined> {
    const { Items = [] } = await documentClient.send(
      new QueryCommand({
        TableName: this.sessionsTable,
        IndexName: SESSIONS_BY_CITIZEN_INDEX,
        KeyConditionExpression: 'citizenId = :citizenId',
        FilterExpression: 'smsOptIn = :true AND attribute_exists(smsPhone)',
        ExpressionAttributeValues: { ':citizenId': citizenId, ':true': true },
        ProjectionExpression: 'smsPhone',
        // Newest session first: the phone the citizen verified last.
        ScanIndexForward: false,
      }),
    );
    const phone = Items.map((item) => item.smsPhone).find(
      (value): value is string => typeof value === 'string' && E164.test(value),
    );
    return phone;
  }
}
