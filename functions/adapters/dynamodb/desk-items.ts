/**
 * The stored shape of the desk's items (NotesTable, PushDevicesTable), parsed once at the storage
 * boundary like the items of `item-schemas.ts`; they live apart only because no other part reads them.
 */
import type { PushDevice } from '#domain/ports/out-of-band.ts';
import { type InternalNote, pushPlatformSchema, transferTargetSchema } from '#events/desk-frames.ts';
import * as z from '#events/zod.ts';

const expiresAt = z.int();

/** A note as stored: the note plus its sort key `noteKey` = `{ts}#{noteId}` and `expiresAt`. */
export const noteItem: z.ZodMiniType<InternalNote, unknown> = z.pipe(
  z.object({
    conversationId: z.string(),
    noteId: z.string(),
    kind: z.enum(['note', 'transfer']),
    text: z.string(),
    ts: z.string(),
    operator: z.object({ operatorId: z.string(), displayName: z.string() }),
    to: z.optional(transferTargetSchema),
  }),
  z.transform(({ to, ...note }) => (to === undefined ? note : { ...note, to })),
);

export const pushDeviceItem: z.ZodMiniType<PushDevice, unknown> = z.pipe(
  z.object({
    ownerKey: z.string(),
    deviceKey: z.string(),
    platform: pushPlatformSchema,
    endpointArn: z.string(),
    sessionId: z.string(),
    citizenId: z.optional(z.string()),
    registeredAt: z.string(),
    expiresAt,
  }),
  z.transform(({ citizenId, ...device }) => (citizenId === undefined ? device : { ...device, citizenId })),
);
