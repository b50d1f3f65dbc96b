/**
 * A citizen's MFC visits on VisitsTable (index `byCitizen`: citizenId, startsAt), and the schema of a
 * visit item. Apart from the repository (functions/adapters/dynamodb/visit-repository.ts), which
 * uses both, so that what only lists a citizen's visits (the bot worker, `ticket.list`) bundles this
 * one Query, not the booking transactions.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import type { CitizenVisits } from '#domain/ports/visits.ts';
import { documentClient } from './document-client.ts';

export const visitItemSchema = z.object({
  number: z.string(),
  citizenId: z.string(),
  officeId: z.string(),
  serviceId: z.string(),
  date: z.string(),
  time: z.string(),
  startsAt: z.string(),
  status: z.enum(['booked', 'cancelled']),
  bookedAt: z.string(),
  lang: z.enum(['ru', 'en']),
  remindAt: z.string().optional(),
});

export class DynamoCitizenVisits implements CitizenVisits {
  constructor(private readonly table: string) {}

  async listByCitizen(citizenId: string) {
    const { Items = [] } = await documentClient.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: 'byCitizen',
        KeyConditionExpression: 'citizenId = :citizenId',
        ExpressionAttributeValues: { ':citizenId': citizenId },
        Limit: 100,
      }),
    );
    return Items.map((item) => visitItemSchema.parse(item));
  }
}
