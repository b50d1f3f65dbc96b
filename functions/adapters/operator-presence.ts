/**
 * The presence lease renewed by every frame an operator sends (`routeHandler`'s `presence` option):
 * needs OPERATORS_TABLE only, which `Realtime.addRoute` grants every route staff may send. Its own
 * module, so the routes that use it bundle the operators' repository and nothing else of assignment.
 */
import { type PresenceRenewer, renewPresence } from '#domain/use-cases/renew-presence.ts';
import { config } from '#shared/config.ts';
import { DynamoOperatorRepository } from './dynamodb/operator-repository.ts';
import { systemClock } from './system.ts';

export function operatorPresence(): PresenceRenewer {
  const deps = {
    operators: new DynamoOperatorRepository(config.operatorsTable),
    clock: systemClock,
    settings: { presenceLeaseSeconds: config.presenceLeaseSeconds },
  };
  return { renew: (operatorId, role) => renewPresence(deps, operatorId, role) };
}
