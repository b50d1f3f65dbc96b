/**
 * Internal notes in NotesTable (key `conversationId` + `noteKey` = `{ts}#{noteId}`, so a query reads
 * them oldest first). Apart from MessagesTable on purpose: a note takes no `seq`, so the citizen's
 * history can neither contain one nor show a gap where one was.
 */
import type { NoteRepository } from '#domain/ports/conversations.ts';
import type { InternalNote } from '#events/desk-frames.ts';
import { PutCommand, paginateQuery } from '#shared/aws-sdk/lib-dynamodb.ts';
import { noteItem } from './desk-items.ts';
import { documentClient, nowSeconds } from './document-client.ts';

export class DynamoNoteRepository implements NoteRepository {
  constructor(private readonly tableName: string) {}

  async add(note: InternalNote & { expiresAt: number }): Promise<void> {
    await documentClient.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...note, noteKey: `${note.ts}#${note.noteId}` },
        // A note id is fresh per request: never overwrite one.
        ConditionExpression: 'attribute_not_exists(noteKey)',
      }),
    );
  }

  async list(conversationId: string): Promise<InternalNote[]> {
    const notes: InternalNote[] = [];
    const pages = paginateQuery(
      { client: documentClient },
      {
        TableName: this.tableName,
        KeyConditionExpression: 'conversationId = :conversationId',
        FilterExpression: 'expiresAt >= :now',
        ExpressionAttributeValues: { ':conversationId': conversationId, ':now': nowSeconds() },
        ConsistentRead: true,
      },
    );
    for await (const page of pages) for (const item of page.Items ?? []) notes.push(noteItem.parse(item));
    return notes;
  }
}
