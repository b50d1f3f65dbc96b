/**
 * Frames pushed to a connection through the API Gateway `@connections` API. Each post runs under its
 * own deadline twice over: the request handler's socket timeouts, and an abort signal, because the
 * SDK call is known to hang past its own timeout. A 410 (`GoneException`) means the client has gone.
 */
import type {
  ConnectionCloser,
  ConnectionNotifier,
  DeliveryOutcome,
  PushedFrame,
} from '#domain/ports/delivery.ts';
import {
  ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
  GoneException,
  PostToConnectionCommand,
} from '#shared/aws-sdk/client-apigatewaymanagementapi.ts';
import { logger } from '#shared/observability.ts';

export interface NotifierSettings {
  /** `https://{apiId}.execute-api.{region}.{urlSuffix}/{stage}` */
  endpoint: string;
  timeoutMs: number;
}

export class ApiGatewayConnectionNotifier implements ConnectionNotifier, ConnectionCloser {
  private readonly client: ApiGatewayManagementApiClient;

  /** Create one per Lambda, at module scope: the client keeps its connections alive. */
  constructor(private readonly settings: NotifierSettings) {
    this.client = new ApiGatewayManagementApiClient({
      endpoint: settings.endpoint,
      requestHandler: { connectionTimeout: settings.timeoutMs, requestTimeout: settings.timeoutMs },
      // A slow connection is not retried within the deadline; the client recovers via history.get.
      maxAttempts: 1,
    });
  }

  async post(connectionId: string, frame: PushedFrame): Promise<DeliveryOutcome> {
    try {
      await this.client.send(
        new PostToConnectionCommand({ ConnectionId: connectionId, Data: JSON.stringify(frame) }),
        { abortSignal: AbortSignal.timeout(this.settings.timeoutMs) },
      );
      return 'delivered';
    } catch (error) {
      if (error instanceof GoneException) return 'gone';
      logger.warn('post to connection failed', {
        connectionId,
        errorName: error instanceof Error ? error.name : typeof error,
      });
      return 'failed';
    }
  }

  /** `DeleteConnection`: API Gateway closes the socket (code 1000) and invokes `$disconnect`. */
  async close(connectionId: string): Promise<DeliveryOutcome> {
    try {
      await this.client.send(new DeleteConnectionCommand({ ConnectionId: connectionId }), {
        abortSignal: AbortSignal.timeout(this.settings.timeoutMs),
      });
      return 'delivered';
    } catch (error) {
      if (error instanceof GoneException) return 'gone';
      logger.warn('closing a connection failed', {
        connectionId,
        errorName: error instanceof Error ? error.name : typeof error,
      });
      return 'failed';
    }
  }
}
