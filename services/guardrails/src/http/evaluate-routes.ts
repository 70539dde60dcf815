import { InvalidInputError } from '@aloe/shared/errors';
import { requireBearer } from '@aloe/shared/http';
import { summarizeIssues } from '@aloe/shared/kafka';
import { Router } from 'express';
import { EvaluationRequest, evaluateSet } from '../rails/evaluate-set.js';
import type { HarmClassifier } from '../rails/harm/harm-classifier.js';

/**
 * `POST /v1/evaluate`: a context and candidate suggestions in, the rails' annotated suggestions out (no
 * model). The context is a patient's chart: only holders of a configured token (compliance or staff) may send one.
 */
export function createEvaluateRoutes(deps: { harm: HarmClassifier; tokens: readonly string[] }): Router {
  const router = Router();
  router.post(
    '/v1/evaluate',
    requireBearer(deps.tokens, { what: 'POST /v1/evaluate' }),
    async (request, response) => {
      const parsed = EvaluationRequest.safeParse(request.body);
      if (!parsed.success)
        throw new InvalidInputError(`Not an evaluation request: ${summarizeIssues(parsed.error.issues)}`);
      response.json(await evaluateSet(parsed.data.context, parsed.data.suggestions, deps.harm));
    },
  );
  return router;
}
