import { InvalidInputError } from '@aloe/shared/errors';
import { summarizeIssues } from '@aloe/shared/kafka';
import { PatientContext, Suggestion } from '@aloe/shared/schemas';
import { Router } from 'express';
import { z } from 'zod';
import type { HarmClassifier } from '../rails/classifier/harm-classifier.js';
import { evaluateSet } from '../rails/evaluate-set.js';

const EvaluateRequest = z.object({
  context: PatientContext,
  suggestions: z.array(Suggestion.omit({ verdict: true, reasons: true })).max(50),
});

/** `POST /v1/evaluate`: a context and candidate suggestions in, the rails' annotated suggestions out (no model). */
export function createEvaluateRoutes(deps: { harm: HarmClassifier }): Router {
  const router = Router();
  router.post('/v1/evaluate', async (request, response) => {
    const parsed = EvaluateRequest.safeParse(request.body);
    if (!parsed.success)
      throw new InvalidInputError(`Not an evaluation request: ${summarizeIssues(parsed.error.issues)}`);
    response.json(await evaluateSet(parsed.data.context, parsed.data.suggestions, deps.harm));
  });
  return router;
}
