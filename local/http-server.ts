/**
 * Node HTTP helpers the local stack's servers share: binding a server to a port on the stack's address (`LOCAL_HOST`),
 * reading a request body up to a limit, and answering with an AWS-style JSON error.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/** Listens on `host` (loopback unless told otherwise); port 0 picks a free one. Resolves with the port bound. */
export function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

/** The whole body, or undefined once it is over `limit` bytes (the rest is read and dropped). */
export function readBody(request: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      else chunks.push(chunk);
    });
    request.on('end', () => resolve(tooLarge ? undefined : Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

/** An error as AWS service endpoints answer it: the type in `x-amzn-errortype`, a JSON message. */
export function awsError(response: ServerResponse, status: number, type: string, message: string) {
  response.writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': type });
  response.end(JSON.stringify({ message }));
}
