/**
 * The one DynamoDB DocumentClient of a Lambda, created at module scope so every invocation reuses
 * its connections. Its endpoint comes from the standard `AWS_ENDPOINT_URL_DYNAMODB` when set (the
 * local stack), so the code has no local branch.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export const documentClient = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
  // Optional domain fields are `undefined` when absent; they are simply not stored.
  marshallOptions: { removeUndefinedValues: true },
});

/** `expiresAt` (epoch seconds) of an item that is still live at `now`; used in conditions and filters. */
export function nowSeconds(now: Date = new Date()): number {
  return Math.floor(now.getTime() / 1000);
}
