/**
 * `transcript.get` (this backend's extension, docs/protocol.md "Your conversations"): a verified
 * citizen asks for the transcript of their own conversations and tickets, and gets a short-lived
 * link to it (`transcript.download`): the same HTML page a regulator's export holds, without what
 * only staff see.
 */
import { frameEnvelopeSchema } from './client-frames.ts';
import * as z from './zod.ts';

export const transcriptGetFrameSchema = z.extend(frameEnvelopeSchema, {
  action: z.literal('transcript.get'),
});

export interface TranscriptDownloadFrame {
  type: 'transcript.download';
  requestId?: string;
  /** A presigned GET of the HTML page, valid `expiresIn` seconds (at most 300). */
  url: string;
  expiresIn: number;
  /** The name a browser saves it under. */
  fileName: string;
  /** What it holds. */
  conversations: number;
  tickets: number;
}
