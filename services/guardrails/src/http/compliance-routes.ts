import { InvalidInputError, NotFoundError } from '@aloe/shared/errors';
import { requireBearer } from '@aloe/shared/http';
import { summarizeIssues } from '@aloe/shared/kafka';
import { Router } from 'express';
import { z } from 'zod';
import type { AuditStore } from '../audit/audit-store.js';
import { exportAuditLog } from '../audit/export-log.js';

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
  kind: z.enum(['decision', 'feedback', 'access', 'evidence']).optional(),
  limit: z.coerce.number().int().min(1).max(1_000).default(100),
  after: z.coerce.number().int().min(0).optional(),
});

const Period = Query.pick({ from: true, to: true });

/**
 * The compliance API (docs/architecture.md#compliance-api): search the audit log by patient pseudonym, time,
 * model, verdict and rule; read one record; count a period's decisions (the page's charts); export as NDJSON
 * or CSV, sealed; verify the log. Compliance role only, but for the public key, which anyone verifying an
 * export needs.
 */
export function createComplianceRoutes(deps: ComplianceRoutesDeps): Router {
  const router = Router();
  const requireCompliance = requireBearer(deps.complianceTokens, {
    forbidden: deps.otherTokens ?? [],
    forbiddenMessage: 'The audit log is for the compliance role only',
    what: 'the audit log',
  });
  const filters = (query: unknown) => {
    const parsed = Query.safeParse(query);
    if (!parsed.success) throw new InvalidInputError(summarizeIssues(parsed.error.issues));
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

  // PEM (SPKI). Compare its key id with the one the DBA or security officer recorded out of band: a
  // verifier that trusts whatever key the server hands it proves nothing.
  router.get('/v1/audit/public-key', (_request, response) => {
    response
      .type('application/x-pem-file')
      .set('aloe-key-id', deps.audit.signer.keyId)
      .send(deps.audit.signer.publicKeyPem);
  });

  router.use('/v1/audit', requireCompliance);

  router.get('/v1/audit/records', async (request, response) => {
    const rows = await deps.audit.search(filters(request.query));
    response.json({ records: rows, next: rows.length > 0 ? rows.at(-1)!.seq : null });
  });

  // The page's charts: counts over a period, grouped in SQL however long the log is.
  router.get('/v1/audit/stats', async (request, response) => {
    const parsed = Period.safeParse(request.query);
    if (!parsed.success) throw new InvalidInputError(summarizeIssues(parsed.error.issues));
    response.json({
      from: parsed.data.from ?? null,
      to: parsed.data.to ?? null,
      ...(await deps.audit.stats(parsed.data)),
    });
  });

  router.get('/v1/audit/records/:seq', async (request, response) => {
    const seq = Number(request.params.seq);
    if (!Number.isSafeInteger(seq) || seq < 1)
      throw new InvalidInputError('seq: must be a positive whole number');
    const row = await deps.audit.get(seq);
    if (!row) throw new NotFoundError(`No audit record ${seq}`);
    response.json(row);
  });

  // Exports stream every matching row (paged internally) as NDJSON or CSV, then a signed seal; a log
  // that does not verify is answered 409 with the verdict, and nothing is signed.
  router.get('/v1/audit/export', async (request, response) => {
    const format = request.query.format === 'csv' ? 'csv' : 'ndjson';
    const { limit: _limit, afterSeq, ...search } = filters({ ...request.query, limit: 1_000 });
    const filterLabel = Object.fromEntries(
      Object.entries({ ...search, afterSeq }).filter(
        (entry): entry is [string, string | number] => entry[1] !== undefined,
      ),
    );
    let started = false;
    const result = await exportAuditLog(
      deps.audit,
      { filters: search, afterSeq, filterLabel, format },
      (chunk) => {
        if (!started) response.type(format === 'csv' ? 'text/csv' : 'application/x-ndjson');
        started = true;
        return response.write(chunk);
      },
    );
    if (!result.ok) {
      response.status(409).json(result.verdict);
      return;
    }
    response.end();
  });

  router.post('/v1/audit/verify', async (_request, response) => {
    response.json(await deps.audit.verify());
  });

  return router;
}
