/**
 * Citizens' push devices in PushDevicesTable (key `ownerKey` = `citizen#{citizenId}` or
 * `session#{sessionId}`, sort key `deviceKey` = `{platform}#{SHA-256 of the token}`).
 */
import type { PushDevice, PushDeviceRepository } from '#domain/ports/out-of-band.ts';
import { DeleteCommand, PutCommand, QueryCommand } from '#shared/aws-sdk/lib-dynamodb.ts';
import { pushDeviceItem } from './desk-items.ts';
import { documentClient, nowSeconds } from './document-client.ts';

export class DynamoPushDeviceRepository implements PushDeviceRepository {
  constructor(private readonly tableName: string) {}

  async save(device: PushDevice): Promise<void> {
    await documentClient.send(new PutCommand({ TableName: this.tableName, Item: device }));
  }

  async listByOwners(ownerKeys: string[]): Promise<PushDevice[]> {
    const pages = await Promise.all(
      ownerKeys.map((ownerKey) =>
        documentClient.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: 'ownerKey = :ownerKey',
            FilterExpression: 'expiresAt >= :now',
            ExpressionAttributeValues: { ':ownerKey': ownerKey, ':now': nowSeconds() },
            // A citizen has a handful of devices: one page.
            Limit: 50,
          }),
        ),
      ),
    );
    // The same device may be registered under the citizen and under a session: one push per endpoint.
    const byEndpoint = new Map<string, PushDevice>();
    for (const page of pages) {
      for (const item of page.Items ?? []) {
        const device = pushDeviceItem.parse(item);
        byEndpoint.set(device.endpointArn, device);
      }
    }
    return [...byEndpoint.values()];
  }

  async delete(device: Pick<PushDevice, 'ownerKey' | 'deviceKey'>): Promise<void> {
    await documentClient.send(
      new DeleteCommand({
        TableName: this.tableName,
        Key: { ownerKey: device.ownerKey, deviceKey: device.deviceKey },
      }),
    );
  }
}
