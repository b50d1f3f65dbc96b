/**
 * Connections for one integration test file: `connect()` opens a client on the local stack's
 * WebSocket, and every client opened in a test is closed after it.
 */
import { afterEach, inject } from 'vitest';
import { ChatClient } from './ws-client.ts';

export function useClients() {
  const wsUrl = inject('localWsUrl');
  const open: ChatClient[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((client) => client.close()));
  });
  return {
    wsUrl,
    async connect(query: Record<string, string> = {}): Promise<ChatClient> {
      const client = await ChatClient.connect(wsUrl, query);
      open.push(client);
      return client;
    },
  };
}
