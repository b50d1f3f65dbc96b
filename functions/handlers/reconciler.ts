/**
 * The reconciler (docs/architecture.md, "The reconciler"): invoked by its EventBridge Scheduler
 * schedule (locally by `local/schedules.ts`), finishes what crashes left undone around the ledger
 * (`reconcile.ts`) and counts each repair (`ReconcilerRepairs`, each an EMF document of its own).
 * Ids and counts only in the log.
 */
import { reconcilerDeps } from '#adapters/assignment-wiring.ts';
import { reconcile } from '#domain/use-cases/reconcile.ts';
import { logger } from '#shared/observability.ts';

const deps = reconcilerDeps();

export async function handler(): Promise<{ repairs: Record<string, number> }> {
  const repairs = await reconcile(deps);
  if (Object.keys(repairs).length > 0) logger.warn('reconciler repaired', { repairs });
  return { repairs };
}
