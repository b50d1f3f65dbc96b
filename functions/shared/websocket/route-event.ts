/**
 * The event API Gateway (and the local gateway) delivers to a WebSocket route Lambda, and the
 * route response it expects back: `body` is sent to the caller as one frame.
 */
import type { APIGatewayProxyWebsocketEventV2 } from 'aws-lambda';

export type WebSocketRouteEvent = APIGatewayProxyWebsocketEventV2 & {
  requestContext: APIGatewayProxyWebsocketEventV2['requestContext'] & {
    /** The authorizer's context plus `principalId`, as API Gateway passes them on. */
    authorizer?: Record<string, unknown>;
  };
};

export interface RouteResponse {
  statusCode: 200;
  body: string;
}

/** API Gateway's WebSocket frame limit; a larger message arrives only when clients fragment. */
export const MAX_FRAME_BYTES = 32 * 1024;

/**
 * The response of a route that answers nothing on success (`typing`): without a `body`, API Gateway
 * (and the local gateway) sends no frame. Errors still answer an `error` frame (frameRoute).
 */
export interface NoAnswer {
  statusCode: 200;
}
