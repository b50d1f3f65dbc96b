/**
 * AuditExport: invoked by the platform team with IAM (`aws lambda invoke`, docs/runbooks.md
 * "Export for a regulator"; on the local stack `npm run audit:export`) with a ticket number, a
 * conversation id, a period, or a period of the access journal, and who asks and why
 * (events/audit.ts). Writes the export to the audit bucket and answers where it is, its files'
 * hashes and its counts; a bad request or an unknown ticket is answered as such, nothing written.
 * Logs the export id and the counts, never content.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { S3AuditArchive } from '#adapters/audit-archive.ts';
import { DynamoAccessJournal } from '#adapters/dynamodb/access-journal.ts';
import { DynamoAuditSource } from '#adapters/dynamodb/audit-source.ts';
import { randomIds, systemClock } from '#adapters/system.ts';
import { auditScopeOf } from '#domain/audit/scope.ts';
import { exportAudit } from '#domain/use-cases/export-audit.ts';
import { auditExportRequestSchema } from '#events/audit.ts';
import { config } from '#shared/config.ts';
import { invocationResult } from '#shared/invocation.ts';
import { logger } from '#shared/observability.ts';

const deps = {
  source: new DynamoAuditSource({
    conversationsTable: config.conversationsTable,
    messagesTable: config.messagesTable,
    notesTable: config.notesTable,
    ticketsTable: config.ticketsTable,
    attachmentsTable: config.attachmentsTable,
    slaTable: config.slaTable,
  }),
  // Path-style against the emulator, which the local upload endpoint's presence says this is.
  archive: new S3AuditArchive({
    bucketName: config.auditBucket,
    pathStyle: config.attachmentUploadEndpoint !== undefined,
  }),
  journal: new DynamoAccessJournal({
    accessJournalTable: config.accessJournalTable,
    retentionDays: config.journalRetentionDays,
  }),
  clock: systemClock,
  ids: randomIds,
};

export const handler = middy()
  .use(injectLambdaContext(logger))
  .handler(async (event: unknown) =>
    invocationResult(auditExportRequestSchema, event, async (request) => {
      const result = await exportAudit(deps, {
        scope: auditScopeOf(request),
        requestedBy: request.requestedBy,
        reason: request.reason,
      });
      logger.info('audit export', { exportId: result.exportId, counts: result.counts });
      return { status: 'exported' as const, ...result };
    }),
  );
