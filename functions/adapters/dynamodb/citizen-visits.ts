/**
 * A citizen's MFC visits on VisitsTable (index `byCitizen`: citizenId, startsAt), and the schema of a
 * visit item. Apart from the repository (functions/adapters/dynamodb/visit-repository.ts), which
 * uses both, so that what only mentions a citizen's visits to come (the bot worker, `ticket.list`)
 * bundles these Queries, not the booking transactions.
 */
import type { Visit } from '#domain/mfc/visits.ts';
import type { CitizenVisits, VisitPosition } from '#domain/ports/visits.ts';
import * as z from '#events/zod.ts';
import { paginateQuery, QueryCommand } from '#shared/aws-sdk/lib-dynamodb.ts';
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
  remindAt: z.optional(z.string()),
});

export class DynamoCitizenVisits implements CitizenVisits {
  constructor(private readonly table: string) {}

  async upcoming(citizenId: string, now: Date): Promise<Visit[]> {
    // The sort key bounds the read to what is ahead; the booked ones among them are few (the
    // per-service limit), whatever the citizen's history of past and cancelled visits.
    const visits: Visit[] = [];
    for await (const page of paginateQuery(
      { client: documentClient },
      {
        TableName: this.table,
        IndexName: 'byCitizen',
        KeyConditionExpression: 'citizenId = :citizenId AND startsAt > :now',
        FilterExpression: '#status = :booked',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':citizenId': citizenId,
          ':now': now.toISOString(),
          ':booked': 'booked',
        },
      },
    ))
      for (const item of page.Items ?? []) visits.push(visitItemSchema.parse(item));
    return visits;
  }

  async pageByCitizen(
    citizenId: string,
    query: { limit: number; after?: VisitPosition },
  ): Promise<{ visits: Visit[]; more: boolean }> {
    // One item more than the page tells whether another page is there, without an empty last page.
    const { Items = [] } = await documentClient.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: 'byCitizen',
        KeyConditionExpression: 'citizenId = :citizenId',
        ExpressionAttributeValues: { ':citizenId': citizenId },
        Limit: query.limit + 1,
        ...(query.after
          ? {
              ExclusiveStartKey: {
                citizenId,
                startsAt: query.after.startsAt,
                pk: `visit#${query.after.number}`,
              },
            }
          : {}),
      }),
    );
    const visits = Items.slice(0, query.limit).map((item) => visitItemSchema.parse(item));
    return { visits, more: Items.length > query.limit };
  }
}
