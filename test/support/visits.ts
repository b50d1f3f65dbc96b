/**
 * A citizen's long history of MFC visits, written straight into VisitsTable (the test run's stack):
 * `count` cancelled visits of the past hours, as years of changes leave them, for the tests of
 * paging (`mfc.visits`) and of the widget's «Мои визиты».
 */
import { randomUUID } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '#adapters/dynamodb/document-client.ts';

export async function seedPastVisits(citizenId: string, count: number): Promise<void> {
  const dayMs = 86_400_000;
  for (let i = 0; i < count; i++) {
    const startsAt = new Date(Date.now() - (i + 1) * 3 * 3_600_000);
    const number = `V-P${randomUUID().replace(/-/g, '').slice(0, 7).toUpperCase()}`;
    await documentClient.send(
      new PutCommand({
        TableName: String(process.env.VISITS_TABLE),
        Item: {
          pk: `visit#${number}`,
          number,
          citizenId,
          officeId: 'msk-tverskoy',
          serviceId: 'snils',
          date: startsAt.toISOString().slice(0, 10),
          time: '10:00',
          startsAt: startsAt.toISOString(),
          status: 'cancelled',
          bookedAt: new Date(startsAt.getTime() - dayMs).toISOString(),
          lang: 'ru',
          expiresAt: Math.floor(Date.now() / 1000) + 3600,
        },
      }),
    );
  }
}
