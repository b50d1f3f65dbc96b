/**
 * The staff check of every route staff may send (`routeHandler`'s `staff`): the pool's answer for
 * the caller, cached per instance for STAFF_RECHECK_SECONDS. Its own module, so the routes that use
 * it bundle the Cognito client and nothing else.
 */
import { type StaffConfirmer, staffConfirmer } from '#domain/use-cases/confirm-staff.ts';
import { config } from '#shared/config.ts';
import { CognitoStaffDirectory } from './cognito-staff-directory.ts';
import { systemClock } from './system.ts';

export function staffConfirmation(): StaffConfirmer {
  return staffConfirmer({
    directory: new CognitoStaffDirectory(config.cognitoUserPoolId),
    clock: systemClock,
    recheckSeconds: config.staffRecheckSeconds,
  });
}
