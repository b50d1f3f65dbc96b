/** An export request's scope, from the invocation's fields (events/audit.ts). */
import type { AuditExportRequest } from '#events/audit.ts';
import { badRequest } from '../errors.ts';
import { canonicalTicketNumber } from '../tickets.ts';
import type { ExportScope } from '../use-cases/export-audit.ts';

/** A ticket number that is not one → BAD_REQUEST on `ticket`. */
export function auditScopeOf(request: AuditExportRequest): ExportScope {
  if ('ticket' in request) {
    const number = canonicalTicketNumber(request.ticket);
    if (!number) throw badRequest([{ field: 'ticket', problem: 'not a ticket number GU-YYYYMMDD-XXXXXX' }]);
    return { kind: 'ticket', number };
  }
  if ('conversationId' in request) return { kind: 'conversation', conversationId: request.conversationId };
  return { kind: request.journal ? 'journal' : 'period', from: request.from, to: request.to };
}
