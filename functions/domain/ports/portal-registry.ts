/**
 * The portal's registry of applications (a passport, a driving licence, a benefit…), behind a port:
 * on the local stack a sample dataset, in AWS the portal's HTTPS API (docs/architecture.md,
 * "The portal's registry"). A citizen is known to it by the citizen id of identification.
 */

export type ApplicationStatus =
  | 'received'
  | 'in_progress'
  | 'needs_action'
  | 'ready'
  | 'completed'
  | 'rejected';

export interface PortalApplication {
  /** The MFC directory's service id when the service is one of it (`passport.foreign`), else the portal's. */
  serviceId: string;
  serviceTitle: { ru: string; en: string };
  number: string;
  submittedAt: string;
  status: ApplicationStatus;
  nextStep: { ru: string; en: string };
  /** Who handles it or where to collect it. */
  handledBy: { ru: string; en: string };
}

/** The registry did not answer in time, failed, or its circuit is open: the citizen is told so. */
export class RegistryUnavailableError extends Error {
  constructor(cause?: unknown) {
    super('the portal registry is unavailable', { cause });
    this.name = 'RegistryUnavailableError';
  }
}

export interface PortalRegistry {
  /** The citizen's applications, newest first; throws {@link RegistryUnavailableError} when it cannot tell. */
  applicationsOf(citizenId: string): Promise<PortalApplication[]>;
}
