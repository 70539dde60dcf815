import { InvalidInputError } from '@aloe/shared/errors';
import { requireBearer } from '@aloe/shared/http';
import { summarizeIssues } from '@aloe/shared/kafka';
import { EvidenceRequest } from '@aloe/shared/schemas';
import { Router } from 'express';
import type { AuditStore } from '../audit/audit-store.js';
import { recordEvidence } from '../flows/record-evidence.js';

/**
 * `POST /v1/audit/evidence` (docs/architecture.md#go-live-validation): a validation report's file hashes
 * and summary join the audit chain as an `evidence` row; the answer names its seq and row hash.
 * Compliance role only, as the rest of /v1/audit.
 */
export function createEvidenceRoutes(deps: {
  audit: AuditStore;
  now: () => Date;
  tokens: readonly string[];
  forbidden: readonly string[];
}): Router {
  const router = Router();
  router.post(
    '/v1/audit/evidence',
    requireBearer(deps.tokens, {
      forbidden: deps.forbidden,
      forbiddenMessage: 'The audit log is for the compliance role only',
      what: 'the audit log',
    }),
    async (request, response) => {
      const parsed = EvidenceRequest.safeParse(request.body);
      if (!parsed.success)
        throw new InvalidInputError(`Not evidence: ${summarizeIssues(parsed.error.issues)}`);
      const receipt = await recordEvidence(parsed.data, deps);
      response.status(receipt.duplicate ? 200 : 201).json(receipt);
    },
  );
  return router;
}
