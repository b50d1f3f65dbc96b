/**
 * The stored shape of the desk's items (NotesTable, PushDevicesTable), parsed once at the storage
 * boundary like the items of `item-schemas.ts`; they live apart only because no other part reads them.
 */
import * as z from 'zod';
import type { PushDevice } from '#domain/ports/out-of-band.ts';
import { type InternalNote, pushPlatformSchema, transferTargetSchema } from '#events/desk-frames.ts';

const expiresAt = z.number().int();

/** A note as stored: the note plus its sort key `noteKey` = `{ts}#{noteId}` and `expiresAt`. */
export const noteItem: z.ZodType<InternalNote, unknown> = z
  .object({
    conversationId: z.string(),
    noteId: z.string(),
    kind: z.enum(['note', 'transfer']),
    text: z.string(),
    ts: z.string(),
    operator: z.object({ operatorId: z.string(), displayName: z.string() }),
    to: transferTargetSchema.optional(),
  })
  .transform(({ to, ...note }) => (to === undefined ? note : { ...note, to }));

export const pushDeviceItem: z.ZodType<PushDevice, unknown> = z
  .object({
    ownerKey: z.string(),
    deviceKey: z.string(),
    platform: pushPlatformSchema,
    endpointArn: z.string(),
    sessionId: z.string(),
    citizenId: z.string().optional(),
    registeredAt: z.string(),
    expiresAt,
  })
  .transform(({ citizenId, ...device }) => (citizenId === undefined ? device : { ...device, citizenId }));
