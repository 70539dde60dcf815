// The guardrails' HTTP API as the red team calls it: review validations, the rails alone on fixed texts,
// and the report's evidence row. Compliance-role bearer token; a deadline per call; failures that a
// retry cannot fix (a bad token, a missing endpoint, a refused body) are told apart from those it can.
import {
  type EvidenceReceipt,
  EvidenceReceipt as EvidenceReceiptSchema,
  type EvidenceRequest,
  type PatientContext,
  type ReviewValidation,
  ReviewValidation as ReviewValidationSchema,
  Suggestion,
  type Suggestion as SuggestionType,
} from '@aloe/shared/schemas';
import { z } from 'zod';

/** A call the guardrails answered with an error status (or an answer this tool cannot read), or that never got an answer. */
export class GuardrailsCallError extends Error {
  constructor(
    message: string,
    /** The HTTP status; undefined when there was no answer (connection refused, deadline). */
    readonly status: number | undefined,
    /** No answer within the deadline. */
    readonly timedOut = false,
  ) {
    super(message);
    this.name = 'GuardrailsCallError';
  }

  /**
   * No later call can succeed either: the token or the URL is wrong (401, 403, 404, 405), or the answer
   * is not what this tool reads (another release). A 400 is about one context (e.g. a prompt longer
   * than the model's context) and fails only that attempt.
   */
  get fatal(): boolean {
    const status = this.status;
    if (status === undefined) return false;
    return status < 300 || [401, 403, 404, 405].includes(status);
  }

  /**
   * The same call may succeed later: the service was unreachable, busy or not ready. A deadline or a
   * model answer it could not read is not retried: the same context asks the same question with the same seed.
   */
  get retriable(): boolean {
    if (this.status === undefined) return !this.timedOut;
    // A 503 after the service's own retries (RETRIES_EXHAUSTED) is its last word on this context.
    return this.status === 429 || (this.status === 503 && !this.message.includes('RETRIES_EXHAUSTED'));
  }
}

/** A candidate suggestion as POST /v1/evaluate takes it (no verdict or reasons yet). */
export type CandidateSuggestion = Omit<SuggestionType, 'verdict' | 'reasons'>;

const EvaluationResponse = z.object({
  inputFindings: z.array(z.object({ ruleId: z.string() }).loose()),
  suggestions: z.array(Suggestion),
});
export type EvaluationResponse = z.infer<typeof EvaluationResponse>;

export interface GuardrailsClient {
  readonly url: string;
  /** GET /readyz: resolves when the service is up and ready, else a GuardrailsCallError. */
  ready(): Promise<void>;
  validateReview(context: PatientContext): Promise<ReviewValidation>;
  evaluate(context: PatientContext, suggestions: readonly CandidateSuggestion[]): Promise<EvaluationResponse>;
  recordEvidence(evidence: EvidenceRequest): Promise<EvidenceReceipt>;
}

export function createGuardrailsClient(options: {
  /** Base URL, e.g. http://127.0.0.1:8081. */
  url: string;
  /** A compliance-role token (GUARDRAILS_COMPLIANCE_TOKENS). */
  token: string;
  /** Deadline of each call: a validation runs the model twice. */
  timeoutMs: number;
}): GuardrailsClient {
  const base = options.url.replace(/\/+$/, '');

  async function call<T>(
    method: 'GET' | 'POST',
    path: string,
    schema: z.ZodType<T>,
    body?: unknown,
  ): Promise<T> {
    const what = `${method} ${base}${path}`;
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${options.token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch (error) {
      const cause = error as Error & { cause?: { code?: string } };
      const why =
        cause.name === 'TimeoutError'
          ? `no answer within ${options.timeoutMs} ms`
          : (cause.cause?.code ?? cause.message);
      throw new GuardrailsCallError(`${what}: ${why}`, undefined, cause.name === 'TimeoutError');
    }
    const text = await response.text();
    if (!response.ok)
      throw new GuardrailsCallError(
        `${what}: ${response.status} ${problemOf(response.status, text)}`,
        response.status,
      );
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new GuardrailsCallError(
        `${what}: the answer is not JSON: ${text.slice(0, 200)}`,
        response.status,
      );
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success)
      throw new GuardrailsCallError(
        `${what}: the answer is not what this tool expects (${parsed.error.issues
          .slice(0, 3)
          .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
          .join('; ')}); are the guardrails and the evaluation of the same release?`,
        response.status,
      );
    return parsed.data;
  }

  return {
    url: base,
    async ready() {
      await call('GET', '/readyz', z.unknown());
    },
    validateReview: (context) => call('POST', '/v1/validate/review', ReviewValidationSchema, { context }),
    evaluate: (context, suggestions) =>
      call('POST', '/v1/evaluate', EvaluationResponse, { context, suggestions }),
    recordEvidence: (evidence) => call('POST', '/v1/audit/evidence', EvidenceReceiptSchema, evidence),
  };
}

/** The service's error message (an OperationOutcome's diagnostics, or a JSON `message`), with a hint for the usual causes. */
function problemOf(status: number, body: string): string {
  let message = body.slice(0, 300);
  try {
    const json = JSON.parse(body) as {
      message?: string;
      issue?: Array<{ diagnostics?: string; details?: { text?: string } }>;
    };
    const issue = json.issue?.[0];
    // Our OperationOutcomes put the error code in diagnostics and the sentence in details.text.
    const text = issue?.details?.text ?? json.message;
    if (text) message = issue?.diagnostics ? `${text} (${issue.diagnostics})` : text;
    else if (issue?.diagnostics) message = issue.diagnostics;
  } catch {
    // not JSON: the body as it came
  }
  const hint =
    status === 401
      ? ' (give a compliance token: --guardrails-token or EVAL_GUARDRAILS_TOKEN)'
      : status === 403
        ? ' (the token is not one of GUARDRAILS_COMPLIANCE_TOKENS)'
        : status === 404
          ? ' (is this the guardrails service, of a release with go-live validation?)'
          : '';
  return `${message}${hint}`;
}
