/** Open WebSocket connections in ConnectionsTable (key `connectionId`, index `byPrincipal`). */
import type { ConnectionRepository } from '#domain/ports/sessions.ts';
import { isExpired } from '#domain/retention.ts';
import type { Connection } from '#domain/sessions.ts';
import { DeleteCommand, PutCommand, paginateQuery } from '#shared/aws-sdk/lib-dynamodb.ts';
import { documentClient } from './document-client.ts';
import { connectionItem } from './item-schemas.ts';

const BY_PRINCIPAL_INDEX = 'byPrincipal';

export class DynamoConnectionRepository implements ConnectionRepository {
  constructor(private readonly tableName: string) {}

  async save(connection: Connection): Promise<void> {
    await documentClient.send(new PutCommand({ TableName: this.tableName, Item: connection }));
  }

  async delete(connectionId: string): Promise<void> {
    await documentClient.send(new DeleteCommand({ TableName: this.tableName, Key: { connectionId } }));
  }

  async listByPrincipal(principalId: string): Promise<Connection[]> {
    const now = new Date();
    const connections: Connection[] = [];
    const pages = paginateQuery(
      { client: documentClient },
      {
        TableName: this.tableName,
        IndexName: BY_PRINCIPAL_INDEX,
        KeyConditionExpression: 'principalId = :principalId',
        ExpressionAttributeValues: { ':principalId': principalId },
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        const connection = connectionItem.parse(item);
        if (!isExpired(connection, now)) connections.push(connection);
      }
    }
    return connections;
  }
}
