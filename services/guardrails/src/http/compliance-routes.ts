import { timingSafeEqual } from 'node:crypto';
import { AppError, ErrorCode, InvalidInputError, NotFoundError } from '@aloe/shared/errors';
import { type RequestHandler, Router } from 'express';
import { z } from 'zod';
import type { AuditStore } from '../audit/audit-store.js';
import { CSV_HEADER, toCsvRow } from '../audit/export-format.js';

export interface ComplianceRoutesDeps {
  audit: AuditStore;
  /** Bearer tokens of the compliance role. Any other caller gets 403; no token at all, 401. */
  complianceTokens: readonly string[];
  /** Bearer tokens of other roles (e.g. clinical staff): authenticated, but not allowed here. */
  otherTokens?: readonly string[];
}

const Query = z.object({
  patient: z.string().max(128).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  model: z.string().max(200).optional(),
  verdict: z.enum(['allow', 'warn', 'block']).optional(),
  rule: z.string().max(100).optional(),
  kind: z.enum(['decision', 'feedback', 'access']).optional(),
  limit: z.coerce.number().int().min(1).max(1_000).default(100),
  after: z.coerce.number().int().min(0).optional(),
});

const matches = (given: string, expected: string) => {
  const [a, b] = [Buffer.from(given), Buffer.from(expected)];
  return a.length === b.length && timingSafeEqual(a, b);
};

/**
 * The compliance API (ARCHITECTURE §7): search the audit log by patient pseudonym, time, model, verdict
 * and rule; read one record; export as NDJSON or CSV; verify the hash chain. Compliance role only.
 */
export function createComplianceRoutes(deps: ComplianceRoutesDeps): Router {
  const router = Router();
  const requireCompliance: RequestHandler = (request, _response, next) => {
    const token = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    if (!token) return next(new AppError(ErrorCode.Unauthorized, 'A Bearer token is required'));
    if (deps.complianceTokens.some((expected) => matches(token, expected))) return next();
    if (deps.otherTokens?.some((expected) => matches(token, expected))) {
      return next(new AppError(ErrorCode.Forbidden, 'The audit log is for the compliance role only'));
    }
    next(new AppError(ErrorCode.Unauthorized, 'The Bearer token is not valid'));
  };
  const filters = (query: unknown) => {
    const parsed = Query.safeParse(query);
    if (!parsed.success)
      throw new InvalidInputError(
        parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '),
      );
    const q = parsed.data;
    return {
      patientPseudonym: q.patient,
      from: q.from,
      to: q.to,
      modelId: q.model,
      verdict: q.verdict,
      ruleId: q.rule,
      kind: q.kind,
      limit: q.limit,
      afterSeq: q.after,
    };
  };

  router.use('/v1/audit', requireCompliance);

  router.get('/v1/audit/records', async (request, response) => {
    const rows = await deps.audit.search(filters(request.query));
    response.json({ records: rows, next: rows.length > 0 ? rows.at(-1)!.seq : null });
  });

  router.get('/v1/audit/records/:seq', async (request, response) => {
    const seq = Number(request.params.seq);
    if (!Number.isSafeInteger(seq) || seq < 1)
      throw new InvalidInputError('seq: must be a positive whole number');
    const row = await deps.audit.get(seq);
    if (!row) throw new NotFoundError(`No audit record ${seq}`);
    response.json(row);
  });

  // Exports stream every matching row (paged internally) as NDJSON or CSV.
  router.get('/v1/audit/export', async (request, response) => {
    const format = request.query.format === 'csv' ? 'csv' : 'ndjson';
    const base = filters({ ...request.query, limit: 1_000 });
    response.type(format === 'csv' ? 'text/csv' : 'application/x-ndjson');
    if (format === 'csv') response.write(`${CSV_HEADER}\n`);
    let afterSeq = base.afterSeq ?? 0;
    for (;;) {
      const page = await deps.audit.search({ ...base, afterSeq });
      for (const row of page)
        response.write(format === 'csv' ? `${toCsvRow(row)}\n` : `${JSON.stringify(row)}\n`);
      if (page.length < 1_000) break;
      afterSeq = page.at(-1)!.seq;
    }
    response.end();
  });

  router.post('/v1/audit/verify', async (_request, response) => {
    response.json(await deps.audit.verify());
  });

  return router;
}
