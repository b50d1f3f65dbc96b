/**
 * The `@connections` management API of execute-api: `/{stage}/@connections/{connectionId}` with
 * POST (send, up to the message quota), GET (connection info) and DELETE (close), and 410
 * GoneException for a connection that is not open.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { awsError, readBody } from '../http-server.ts';
import type { Connection } from './connection.ts';

export async function serveConnectionsApi(
  request: IncomingMessage,
  response: ServerResponse,
  stageName: string,
  connections: ReadonlyMap<string, Connection>,
  maxMessageBytes: number,
): Promise<void> {
  const match = /^\/([^/]+)\/@connections\/([^/?]+)/.exec(request.url ?? '');
  if (!match || match[1] !== stageName) return awsError(response, 404, 'NotFoundException', 'Not Found');
  const connection = connections.get(decodeURIComponent(match[2] ?? ''));
  const gone = !connection || connection.socket.readyState !== connection.socket.OPEN;
  if (request.method === 'POST') {
    const body = await readBody(request, maxMessageBytes);
    if (body === undefined) return awsError(response, 413, 'PayloadTooLargeException', 'Payload too large');
    if (gone) return awsError(response, 410, 'GoneException', 'Gone');
    connection.socket.send(body.toString('utf8'));
    return void response.writeHead(200).end();
  }
  if (gone) return awsError(response, 410, 'GoneException', 'Gone');
  if (request.method === 'GET') {
    response.writeHead(200, { 'content-type': 'application/json' });
    return void response.end(
      JSON.stringify({
        connectedAt: new Date(connection.connectedAt).toISOString(),
        identity: { sourceIp: connection.sourceIp, userAgent: connection.userAgent },
        lastActiveAt: new Date(connection.lastActiveAt).toISOString(),
      }),
    );
  }
  if (request.method === 'DELETE') {
    connection.socket.close(1000, 'Closed by the server');
    return void response.writeHead(204).end();
  }
  awsError(response, 405, 'MethodNotAllowedException', 'Method not allowed');
}
