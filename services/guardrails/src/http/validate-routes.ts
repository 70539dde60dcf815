import { InvalidInputError } from '@aloe/shared/errors';
import { requireBearer } from '@aloe/shared/http';
import { summarizeIssues } from '@aloe/shared/kafka';
import { ReviewValidationRequest } from '@aloe/shared/schemas';
import { Router } from 'express';
import type { ValidateReviewDeps } from '../flows/validate-review.js';
import { validateReview } from '../flows/validate-review.js';
import type { InferenceCaller } from '../inference/inference-client.js';

export interface ValidateRoutesDeps {
  /** The service's own inference client: the same model, deadline per call and retries as the review. */
  inference: Pick<InferenceCaller, 'generate'>;
  /** GUARDRAILS_CONTEXT_RETRY_BUDGET_MS: one request's inference calls and retries end within it, as a context's do. */
  retryBudgetMs: number;
  /** The review's settings (config.review): token budgets, temperature, strategies. */
  review: Omit<ValidateReviewDeps, 'infer' | 'harm' | 'logger'>;
  harm: ValidateReviewDeps['harm'];
  logger: ValidateReviewDeps['logger'];
  /** Compliance-role tokens; other known tokens get 403. */
  tokens: readonly string[];
  forbidden: readonly string[];
}

/**
 * `POST /v1/validate/review` (docs/architecture.md#go-live-validation): a context in, its review with and
 * without the rails out (validate-review.ts), for a go-live red-team run. Compliance role only: it spends
 * the model's time and answers with the model's text. A caller that hangs up cancels the inference.
 */
export function createValidateRoutes(deps: ValidateRoutesDeps): Router {
  const router = Router();
  router.post(
    '/v1/validate/review',
    requireBearer(deps.tokens, {
      forbidden: deps.forbidden,
      forbiddenMessage: 'Validation runs are for the compliance role only',
      what: 'POST /v1/validate/review',
    }),
    async (request, response) => {
      const parsed = ReviewValidationRequest.safeParse(request.body);
      if (!parsed.success)
        throw new InvalidInputError(
          `Not a review validation request: ${summarizeIssues(parsed.error.issues)}`,
        );
      const hungUp = new AbortController();
      response.on('close', () => {
        if (!response.writableFinished) hungUp.abort(new Error('the caller closed the connection'));
      });
      const deadline = Date.now() + deps.retryBudgetMs;
      const result = await validateReview(
        parsed.data.context,
        {
          ...deps.review,
          harm: deps.harm,
          logger: deps.logger,
          infer: (inferenceRequest, options) =>
            deps.inference.generate(inferenceRequest, { ...options, deadline }),
        },
        hungUp.signal,
      );
      response.json(result);
    },
  );
  return router;
}
