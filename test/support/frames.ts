/**
 * Waiting for a pushed frame in integration tests: the first one, received so far or later, that
 * matches. `frameWith` waits through the client's own waiters; `polledFrameWith` polls the frames
 * received (every 20 ms) and, on timeout, lists them all in its error.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { ChatClient, Frame } from './ws-client.ts';

/** The first frame, received so far or later, that matches. */
export function frameWith(
  client: ChatClient,
  match: (f: Frame) => boolean,
  timeoutMs = 10_000,
): Promise<Frame> {
  const found = client.frames.find(match);
  return found ? Promise.resolve(found) : client.waitFor(match, timeoutMs);
}

/** The first frame, received so far or later, that matches, polling the frames received. */
export async function polledFrameWith(
  client: ChatClient,
  match: (f: Frame) => boolean,
  timeoutMs = 10_000,
): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = client.frames.find(match);
    if (found) return found;
    if (Date.now() > deadline)
      throw new Error(`no matching frame; received: ${JSON.stringify(client.frames)}`);
    await delay(20);
  }
}
