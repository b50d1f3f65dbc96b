/**
 * The one DynamoDB DocumentClient of a Lambda, created at module scope so every invocation reuses
 * its connections. Its endpoint comes from the standard `AWS_ENDPOINT_URL_DYNAMODB` when set (the
 * local stack), so the code has no local branch.
 */
import { ConditionalCheckFailedException, DynamoDBClient } from '#shared/aws-sdk/client-dynamodb.ts';
import { DynamoDBDocumentClient } from '#shared/aws-sdk/lib-dynamodb.ts';

export const documentClient = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
  // Optional domain fields are `undefined` when absent; they are simply not stored.
  marshallOptions: { removeUndefinedValues: true },
});

/** `expiresAt` (epoch seconds) of an item that is still live at `now`; used in conditions and filters. */
export function nowSeconds(now: Date = new Date()): number {
  return Math.floor(now.getTime() / 1000);
}

/**
 * A conditional write: true when it was written, false when its condition failed; any other error
 * is thrown. The one reading of `ConditionalCheckFailedException` for single-item writes (a
 * transaction's cancellation is `transactions.ts`'s).
 */
export async function conditionally(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}
