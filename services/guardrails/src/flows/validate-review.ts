import { createHash } from 'node:crypto';
import { KNOWLEDGE_VERSION } from '@aloe/clinical-knowledge';
import { canonicalJson } from '@aloe/shared/canonical';
import { AppError, ErrorCode } from '@aloe/shared/errors';
import type { GenerateRequest, GenerateResponse__Output } from '@aloe/shared/grpc';
import type { Logger } from '@aloe/shared/logging';
import type {
  InputChange,
  JudgeScore,
  PatientContext,
  RailedReview,
  ReviewValidation,
  UnrailedReview,
} from '@aloe/shared/schemas';
import { strategyFor } from '../inference/strategy.js';
import { COMPLIANCE_TURN, REFUSAL } from '../rails/data/harmful-content.js';
import {
  FRAMING_MODEL_RULE_ID,
  HARM_MODEL_RULE_ID,
  type HarmClassifier,
} from '../rails/harm/harm-classifier.js';
import { runInputRails, WITHHELD } from '../rails/input/run-input-rails.js';
import type { CandidateSuggestion } from '../rails/output/candidate.js';
import { textOf } from '../rails/output/check-content.js';
import { RAIL_SET_VERSION } from '../rails/rail-set-version.js';
import {
  inferenceRequestFor,
  type RailedInferenceDeps,
  railedInference,
  readModelOutput,
} from './review-context.js';

/**
 * What a validation needs: the review's inference and rails, and a logger. No audit store, no producer,
 * no write-back: a validation cannot record or publish anything.
 */
export interface ValidateReviewDeps extends RailedInferenceDeps {
  logger: Logger;
}

/** The judge as a report states it. */
export const judgeOf = (harm: HarmClassifier): ReviewValidation['judge'] => ({
  name: 'learned harm rail (output rails)',
  id: harm.id,
  threshold: harm.threshold,
  ruleIds: [HARM_MODEL_RULE_ID, FRAMING_MODEL_RULE_ID],
});

/** The hash a decision row keeps of the messages asked (its `messagesHash`). */
const messagesSha256 = (request: GenerateRequest) =>
  createHash('sha256').update(canonicalJson(request.messages)).digest('hex');

/** A text that opens by declining and never turns to complying (as the content rails read a refusal). */
const readsAsRefusal = (text: string) => REFUSAL.test(text) && !COMPLIANCE_TURN.test(text);

/** Output the review could not read: outside the contract (OutputInvalid) or not JSON at all. */
const isInvalidOutput = (error: unknown) =>
  error instanceof SyntaxError || (error instanceof AppError && error.code === ErrorCode.OutputInvalid);

/** The harm rail's scores of suggestions' texts (title, text, rationale: what the output rail reads). */
async function judge(
  harm: HarmClassifier,
  suggestions: readonly CandidateSuggestion[],
): Promise<JudgeScore[]> {
  if (suggestions.length === 0) return [];
  const scores = await harm.score(suggestions.map(textOf));
  return scores.map((score) => {
    const ruleIds = harm.findings(score).map((finding) => finding.ruleId);
    return {
      flagged: ruleIds.length > 0,
      harm: { probability: score.probability, flagged: ruleIds.includes(HARM_MODEL_RULE_ID) },
      framing: { probability: score.framing.probability, flagged: ruleIds.includes(FRAMING_MODEL_RULE_ID) },
      stage: score.stage,
      ruleIds,
    };
  });
}

/** Every string of a value by path ("text", "dose.text", "reactions[0]"), as the input rails name fields. */
function stringFields(value: unknown, path = '', out = new Map<string, string>()): Map<string, string> {
  if (typeof value === 'string') out.set(path, value);
  else if (Array.isArray(value))
    for (const [i, child] of value.entries()) stringFields(child, `${path}[${i}]`, out);
  else if (value && typeof value === 'object')
    for (const [key, child] of Object.entries(value)) stringFields(child, path ? `${path}.${key}` : key, out);
  return out;
}

/** Which fields of which items the input rails withheld or rewrote (field paths only, never content). Pure. */
export function inputChangesOf(raw: PatientContext, safe: PatientContext): InputChange[] {
  return raw.items.flatMap((item, index) => {
    const after = stringFields(safe.items[index]);
    const withheld: string[] = [];
    const cleaned: string[] = [];
    for (const [path, text] of stringFields(item)) {
      const now = after.get(path);
      if (now === text) continue;
      (now === undefined || now === WITHHELD ? withheld : cleaned).push(path);
    }
    return withheld.length + cleaned.length > 0 ? [{ itemRef: item.ref, withheld, cleaned }] : [];
  });
}

/** The raw context to the model (no input rails), its candidates judged, none blocked. */
async function reviewWithoutRails(context: PatientContext, deps: ValidateReviewDeps, signal?: AbortSignal) {
  const strategy = strategyFor(context.tasks, deps.strategies);
  const { contract, request } = inferenceRequestFor(context, { ...deps, strategy });
  const startedAt = performance.now();
  const response = await deps.infer(request, { signal });
  const inference = performance.now() - startedAt;
  let output: ReturnType<typeof readModelOutput>;
  try {
    output = readModelOutput(response, contract, strategy);
  } catch (error) {
    if (!isInvalidOutput(error)) throw error;
    const review: UnrailedReview = {
      strategy,
      messagesSha256: messagesSha256(request),
      outcome: 'invalid-output',
      refused: false,
      candidates: [],
      timingsMs: { inference },
    };
    return { review, response };
  }
  const judgedAt = performance.now();
  const scores = await judge(deps.harm, output.candidates);
  const candidates = output.candidates.map((candidate, i) => ({
    title: candidate.title,
    text: candidate.text,
    refusal: readsAsRefusal(textOf(candidate)),
    judge: scores[i]!,
  }));
  const review: UnrailedReview = {
    strategy,
    messagesSha256: messagesSha256(request),
    outcome: candidates.length > 0 ? 'suggestions' : 'empty',
    refused: candidates.every((candidate) => candidate.refusal),
    candidates,
    timingsMs: { inference, judge: performance.now() - judgedAt },
  };
  return { review, response };
}

/** The production path (railedInference), its outcome split into what a clinician would see and what was blocked. */
async function reviewWithRails(context: PatientContext, deps: ValidateReviewDeps, signal?: AbortSignal) {
  let decided: Awaited<ReturnType<typeof railedInference>>;
  try {
    decided = await railedInference(context, deps, signal);
  } catch (error) {
    if (!isInvalidOutput(error)) throw error;
    // Nothing reaches the clinician (in production the context goes to the dead-letter topic); the
    // input rails are pure, so their findings are the ones the review had.
    const railed = runInputRails(context);
    const strategy = strategyFor(railed.context.tasks, deps.strategies);
    const review: RailedReview = {
      strategy,
      messagesSha256: messagesSha256(inferenceRequestFor(railed.context, { ...deps, strategy }).request),
      outcome: 'invalid-output',
      inputFindings: railed.findings,
      inputChanges: inputChangesOf(context, railed.context),
      modelCandidates: 0,
      shown: [],
      blocked: [],
      timingsMs: {},
    };
    return { review, response: undefined };
  }
  const judgedAt = performance.now();
  const fromModel = decided.suggestions.filter((suggestion) => suggestion.source !== 'knowledge');
  const scores = await judge(deps.harm, fromModel);
  const judged = new Map(fromModel.map((suggestion, i) => [suggestion.id, scores[i]!]));
  const ruleIdsOf = (reasons: ReadonlyArray<{ ruleId: string }>) => [
    ...new Set(reasons.map((reason) => reason.ruleId)),
  ];
  const review: RailedReview = {
    strategy: decided.strategy,
    messagesSha256: messagesSha256(decided.request),
    outcome: decided.output.candidates.length > 0 ? 'suggestions' : 'empty',
    inputFindings: decided.inputFindings,
    inputChanges: inputChangesOf(context, decided.safeContext),
    modelCandidates: decided.output.candidates.length,
    shown: decided.suggestions.flatMap((suggestion) =>
      suggestion.verdict === 'block'
        ? []
        : [
            {
              id: suggestion.id,
              source: suggestion.source ?? 'model',
              title: suggestion.title,
              text: suggestion.text,
              verdict: suggestion.verdict,
              ruleIds: ruleIdsOf(suggestion.reasons),
              ...(judged.has(suggestion.id) ? { judge: judged.get(suggestion.id)! } : {}),
            },
          ],
    ),
    blocked: decided.suggestions
      .filter((suggestion) => suggestion.verdict === 'block')
      .map((suggestion) => ({
        id: suggestion.id,
        title: suggestion.title,
        ruleIds: ruleIdsOf(suggestion.reasons),
        messages: suggestion.reasons.map((reason) => reason.message),
        ...(judged.has(suggestion.id) ? { judge: judged.get(suggestion.id)! } : {}),
      })),
    timingsMs: { ...decided.timingsMs, judge: performance.now() - judgedAt },
  };
  return { review, response: decided.response };
}

const modelOf = (response: GenerateResponse__Output | undefined): ReviewValidation['model'] =>
  response?.model
    ? {
        id: response.model.id,
        name: response.model.name,
        fileSha256: response.model.fileSha256,
        quantization: response.model.quantization,
        chatTemplate: response.model.chatTemplate,
        testModel: response.model.testModel,
      }
    : null;

/**
 * One context reviewed twice for a go-live validation (docs/architecture.md#go-live-validation): without
 * the rails (the raw context to the model; its candidates judged by the output rail's harm classifier,
 * none blocked) and with them, through the production path. Through the service's own inference client
 * and settings, so the same model and strategy answer; nothing is published, written back or appended
 * to the audit log (the deps hold no way to). Output outside the contract is an outcome, not an error.
 */
export async function validateReview(
  context: PatientContext,
  deps: ValidateReviewDeps,
  signal?: AbortSignal,
): Promise<ReviewValidation> {
  const without = await reviewWithoutRails(context, deps, signal);
  const railed = await reviewWithRails(context, deps, signal);
  const result: ReviewValidation = {
    contextId: context.contextId,
    model: modelOf(railed.response) ?? modelOf(without.response),
    judge: judgeOf(deps.harm),
    rules: { knowledgeVersion: KNOWLEDGE_VERSION, railSetVersion: RAIL_SET_VERSION },
    withoutRails: without.review,
    withRails: railed.review,
  };
  // Outcomes, counts and rule ids only: never the context's or the model's text.
  deps.logger.info(
    {
      contextId: context.contextId,
      patientPseudonym: context.patient.pseudonym,
      modelId: result.model?.id,
      withoutRails: {
        outcome: without.review.outcome,
        candidates: without.review.candidates.length,
        flagged: without.review.candidates.filter((candidate) => candidate.judge.flagged).length,
      },
      withRails: {
        outcome: railed.review.outcome,
        inputRuleIds: [...new Set(railed.review.inputFindings.map((finding) => finding.ruleId))],
        shown: railed.review.shown.length,
        blocked: railed.review.blocked.length,
      },
    },
    'review validated with and without the rails (not published, not logged)',
  );
  return result;
}
