import { createHash } from 'node:crypto';
import { KNOWLEDGE_VERSION } from '@aloe/clinical-knowledge';
import { canonicalJson, deterministicUuid } from '@aloe/shared/canonical';
import type { ReviewStrategy } from '@aloe/shared/config';
import { AppError, ErrorCode, InvalidInputError } from '@aloe/shared/errors';
import type { GenerateRequest, GenerateResponse__Output } from '@aloe/shared/grpc';
import type { Logger } from '@aloe/shared/logging';
import {
  type AuditEvent,
  contextFingerprint,
  evidenceOf,
  type PatientContext,
  SuggestionSet,
  type TaskKind,
} from '@aloe/shared/schemas';
import { Attr, withSpan } from '@aloe/shared/tracing';
import type { AuditStore } from '../audit/audit-store.js';
import type { StoredRow } from '../audit/hash-chain.js';
import { PROTO_STRATEGY, reasoningIn, strategyFor, voteOnActions } from '../inference/strategy.js';
import { buildMessages } from '../prompt/build-messages.js';
import { outputContractFor } from '../prompt/build-output-schema.js';
import { completeWithKnowledge } from '../rails/completeness.js';
import type { HarmClassifier } from '../rails/harm/harm-classifier.js';
import { runInputRails } from '../rails/input/run-input-rails.js';
import type { CandidateSuggestion } from '../rails/output/candidate.js';
import { runOutputRailsWithModel } from '../rails/output/run-output-rails.js';
import { decisionAuditEvent } from './audit-events.js';

export const DISCLAIMER =
  'AI-generated suggestion (Aloe). Decision support only: a clinician must review it against the record before acting.';

export interface ReviewDeps {
  infer: (
    request: GenerateRequest,
    options: { signal?: AbortSignal | undefined },
  ) => Promise<GenerateResponse__Output>;
  audit: AuditStore;
  /** The learned harm rail (sentence encoder + heads), loaded once at start-up. */
  harm: HarmClassifier;
  publish: (set: SuggestionSet) => Promise<void>;
  /** The decision's `ai-decision` event, to aloe.audit.v1 (the adapter writes it to the EHR as a FHIR AuditEvent). */
  publishAudit: (event: AuditEvent) => Promise<void>;
  logger: Logger;
  now: () => Date;
  maxTokens: number;
  maxContextTokens: number;
  temperature: number;
  /** The inference strategy per task (GUARDRAILS_STRATEGIES), and the samples under self-consistency. */
  strategies: Readonly<Record<TaskKind, ReviewStrategy>>;
  selfConsistencySamples: number;
  /** Write suggestions for a deceased patient back to the EHR (GUARDRAILS_WRITE_BACK_DECEASED). */
  writeBackDeceased: boolean;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * The inference request for a cleaned context (pure): the prompt, the output contract narrowed to it,
 * and the strategy with its samples; the seed comes from the context id, so a context is asked the same
 * way each time.
 */
export function inferenceRequestFor(
  safeContext: PatientContext,
  options: Pick<ReviewDeps, 'maxTokens' | 'maxContextTokens' | 'temperature' | 'selfConsistencySamples'> & {
    strategy: ReviewStrategy;
  },
) {
  const prompt = buildMessages(safeContext, { maxContextTokens: options.maxContextTokens });
  const contract = outputContractFor(prompt.refs, safeContext);
  const request: GenerateRequest = {
    requestId: safeContext.contextId,
    messages: prompt.messages,
    jsonSchema: JSON.stringify(contract.jsonSchema),
    maxTokens: options.maxTokens,
    sampling: {
      temperature: options.temperature,
      seed: Number.parseInt(safeContext.contextId.slice(0, 8), 16),
    },
    strategy: PROTO_STRATEGY[options.strategy],
    samples: options.strategy === 'self-consistency' ? options.selfConsistencySamples : 0,
  };
  return { prompt, contract, request };
}

/** What a context's inference and rails need: the review's settings without its recording and publishing. */
export type RailedInferenceDeps = Pick<
  ReviewDeps,
  | 'infer'
  | 'harm'
  | 'maxTokens'
  | 'maxContextTokens'
  | 'temperature'
  | 'strategies'
  | 'selfConsistencySamples'
>;

/**
 * The model's answer read as the review reads it (pure): under self-consistency the samples vote with what
 * they propose (their actions), not their wording; otherwise the output must parse against the request's
 * contract. The suggestions become candidates for the output rails. Output outside the contract, or no
 * model identity, is an OutputInvalid AppError (JSON that does not parse, a SyntaxError).
 */
export function readModelOutput(
  response: GenerateResponse__Output,
  contract: ReturnType<typeof outputContractFor>,
  strategy: ReviewStrategy,
) {
  const samples = response.strategyResult?.samples ?? [];
  const vote = strategy === 'self-consistency' ? voteOnActions(samples, contract.schema) : undefined;
  const parsed = vote
    ? { success: true as const, data: vote.output }
    : contract.schema.safeParse(JSON.parse(response.json || '{}'));
  if (!parsed.success || !response.model) {
    throw new AppError(
      ErrorCode.OutputInvalid,
      'The inference service returned output outside the requested schema',
    );
  }
  const candidates: CandidateSuggestion[] = parsed.data.suggestions.map((suggestion, index) => ({
    id: `s${index + 1}`,
    kind: suggestion.kind,
    title: suggestion.title.slice(0, 140),
    text: suggestion.text,
    citations: [...new Set(suggestion.citations)],
    severity: suggestion.severity,
    actions: suggestion.actions,
  }));
  return {
    model: response.model,
    samples,
    vote,
    reasoning: reasoningIn(vote ? (samples[vote.chosen]?.text ?? '') : response.text),
    candidates,
  };
}

/**
 * A context's decision without recording or publishing it: input rails → prompt and per-request schema →
 * inference → output rails → completeness. The review and the go-live validation (validate-review.ts)
 * both decide through it, so what is validated is what runs.
 */
export async function railedInference(
  context: PatientContext,
  deps: RailedInferenceDeps,
  signal?: AbortSignal,
) {
  const startedAt = performance.now();
  const { context: safeContext, findings: inputFindings } = await withSpan('rails.input', {}, (span) => {
    const railed = runInputRails(context);
    span.setAttribute(Attr.RailFindings, railed.findings.length);
    return railed;
  });
  const inputRailsMs = performance.now() - startedAt;
  const strategy = strategyFor(safeContext.tasks, deps.strategies);
  const { prompt, contract, request } = inferenceRequestFor(safeContext, { ...deps, strategy });

  const inferenceStartedAt = performance.now();
  const response = await deps.infer(request, { signal });
  const inferenceMs = performance.now() - inferenceStartedAt;
  const output = readModelOutput(response, contract, strategy);

  const railsStartedAt = performance.now();
  const { suggestions, coverage } = await withSpan('rails.output', {}, async (span) => {
    const railed = await runOutputRailsWithModel(safeContext, output.candidates, deps.harm);
    const completed = completeWithKnowledge(safeContext, railed);
    span.setAttribute(Attr.Suggestions, completed.suggestions.length);
    return completed;
  });
  const outputRailsMs = performance.now() - railsStartedAt;
  return {
    startedAt,
    safeContext,
    inputFindings,
    strategy,
    prompt,
    contract,
    request,
    response,
    output,
    suggestions,
    coverage,
    timingsMs: { inputRails: inputRailsMs, inference: inferenceMs, outputRails: outputRailsMs },
  };
}

/** The set id of a context: the same context always yields the same set id (redeliveries, write-back). */
export function setIdFor(contextId: string): string {
  return deterministicUuid('suggestion-set', contextId);
}

/** The set a decision row carries. */
const storedSet = (row: StoredRow) =>
  SuggestionSet.parse((row.payload as { suggestionSet: unknown }).suggestionSet);

/**
 * The decision already taken for a context, if any: the same context redelivered gets its audited set
 * again; a context id already used for another patient is refused (to the DLQ), never answered with
 * that patient's set.
 */
async function decisionOfContextId(context: PatientContext, audit: AuditStore) {
  const row = await audit.findByDedupeKey(context.contextId);
  if (row && row.patientPseudonym !== context.patient.pseudonym)
    throw new InvalidInputError(
      `Context id ${context.contextId} was already used for another patient (audit seq ${row.seq}); a context id belongs to one patient`,
      { code: ErrorCode.ContextInvalid, details: { contextId: context.contextId, auditSeq: row.seq } },
    );
  return row;
}

/**
 * The patient's newest decision when it answered this same chart state (fingerprint) with the rules of
 * today: reopening an unchanged chart reuses it, and nothing new is analysed or logged.
 */
async function decisionOfUnchangedChart(context: PatientContext, fingerprint: string, audit: AuditStore) {
  const latest = await audit.latestDecisionFor(context.patient.pseudonym);
  if (!latest || (latest.payload as { contextFingerprint?: string }).contextFingerprint !== fingerprint)
    return undefined;
  const set = storedSet(latest);
  return set.knowledgeCoverage?.rulesVersion === KNOWLEDGE_VERSION ? { row: latest, set } : undefined;
}

/** A deceased patient's suggestions stay cards (unless configured otherwise); the set says why. */
function writeBackFor(context: PatientContext, deps: Pick<ReviewDeps, 'writeBackDeceased'>) {
  if (context.patient.deceased && !deps.writeBackDeceased)
    return {
      allowed: false,
      reason:
        'The EHR records the patient as deceased: the suggestions are not written to the chart (GUARDRAILS_WRITE_BACK_DECEASED=false).',
    };
  return { allowed: true };
}

/**
 * One context end to end (docs/architecture.md#the-flow, step 3): input rails → prompt and per-request schema
 * → inference → output rails → one audit row → the annotated set to Kafka, then its `ai-decision` event. A
 * redelivered context, or the patient's unchanged chart opened again, is not inferred or logged again: the
 * audited set is published again (the EHR write is idempotent). A context id reused for another patient is
 * refused.
 */
export function reviewContext(
  context: PatientContext,
  deps: ReviewDeps,
  signal?: AbortSignal,
): Promise<SuggestionSet> {
  // The spans of a review name the context and the pseudonym; never the chart, prompt or output text.
  return withSpan(
    'review context',
    {
      attributes: {
        [Attr.ContextId]: context.contextId,
        [Attr.PatientPseudonym]: context.patient.pseudonym,
        [Attr.Trigger]: context.trigger.kind,
      },
    },
    () => review(context, deps, signal),
  );
}

async function review(
  context: PatientContext,
  deps: ReviewDeps,
  signal?: AbortSignal,
): Promise<SuggestionSet> {
  const logFields = { contextId: context.contextId, patientPseudonym: context.patient.pseudonym };
  const already = await decisionOfContextId(context, deps.audit);
  if (already) {
    const stored = storedSet(already);
    await deps.publish(stored);
    // Again with the same event id: if the first attempt failed after the append, it is not lost.
    await deps.publishAudit(decisionAuditEvent(context, stored, already));
    deps.logger.info(
      { ...logFields, auditSeq: already.seq },
      'context already decided; republished its audited set',
    );
    return stored;
  }
  const fingerprint = contextFingerprint(context);
  const unchanged = await decisionOfUnchangedChart(context, fingerprint, deps.audit);
  if (unchanged) {
    // Published again so a card store that lost it (restart, expiry) has it; the EHR already holds it.
    await deps.publish(unchanged.set);
    deps.logger.info(
      { ...logFields, setId: unchanged.set.setId, auditSeq: unchanged.row.seq },
      'chart unchanged since its last analysis; its set stands (not analysed or logged again)',
    );
    return unchanged.set;
  }

  const decided = await railedInference(context, deps, signal);
  const { safeContext, inputFindings, strategy, prompt, contract, request, response } = decided;
  const { suggestions, coverage } = decided;
  const { model, samples, vote, reasoning } = decided.output;

  const cited = new Set(suggestions.flatMap((suggestion) => suggestion.citations));
  const set = SuggestionSet.parse({
    setId: setIdFor(context.contextId),
    contextId: context.contextId,
    patient: { ref: context.patient.ref, pseudonym: context.patient.pseudonym },
    fhirBase: context.fhirBase,
    model: {
      id: model.id,
      name: model.name,
      fileSha256: model.fileSha256,
      quantization: model.quantization,
      chatTemplate: model.chatTemplate,
      testModel: model.testModel,
      params: { temperature: deps.temperature, maxTokens: deps.maxTokens, strategy },
    },
    suggestions,
    evidence: safeContext.items.filter((item) => cited.has(item.ref)).map(evidenceOf),
    inputFindings,
    disclaimer: DISCLAIMER,
    knowledgeCoverage: coverage,
    producedAt: deps.now().toISOString(),
    contextFingerprint: fingerprint,
    trigger: {
      kind: context.trigger.kind,
      ...(context.trigger.hook ? { hook: context.trigger.hook } : {}),
      ...(context.trigger.hookInstance ? { hookInstance: context.trigger.hookInstance } : {}),
    },
    writeBack: writeBackFor(context, deps),
    timingsMs: { ...decided.timingsMs, total: performance.now() - decided.startedAt },
  });

  const verdicts = suggestions.map((suggestion) => suggestion.verdict);
  const worst = verdicts.includes('block') ? 'block' : verdicts.includes('warn') ? 'warn' : 'allow';
  const ruleIds = [
    ...new Set([...inputFindings, ...suggestions.flatMap((s) => s.reasons)].map((finding) => finding.ruleId)),
  ];
  const promptText = canonicalJson(request.messages);
  // What the model saw: its chat template rendered over the messages (system turn with the date, Aloe's
  // prompt, our instructions, the context), as the inference service tokenized it. promptHash is over
  // that text; messagesHash over what we asked for.
  const renderedPrompts = response.prompts.map((prompt) => ({
    text: prompt.text,
    tokenCount: prompt.tokenCount,
    sha256: prompt.sha256,
    templateId: prompt.templateId,
    variables: prompt.variables,
  }));
  const renderedPromptHash =
    renderedPrompts.length === 1
      ? renderedPrompts[0]!.sha256
      : renderedPrompts.length > 1
        ? sha256(renderedPrompts.map((prompt) => prompt.sha256).join('\n'))
        : undefined;
  const recordedAt = deps.now().toISOString();
  const appended = await withSpan('audit.append', { attributes: { [Attr.Verdict]: worst } }, async (span) => {
    const row = await deps.audit.append({
      kind: 'decision',
      dedupeKey: context.contextId,
      recordedAt,
      patientPseudonym: context.patient.pseudonym,
      modelId: model.id,
      verdict: worst,
      ruleIds,
      payload: {
        contextHash: sha256(canonicalJson(context)),
        contextFingerprint: fingerprint,
        promptHash: renderedPromptHash ?? sha256(promptText),
        promptHashOf: renderedPromptHash ? 'rendered prompt' : 'messages',
        messagesHash: sha256(promptText),
        prompt: request.messages,
        renderedPrompts,
        jsonSchema: contract.jsonSchema,
        model,
        harmRail: deps.harm.id,
        params: {
          temperature: deps.temperature,
          maxTokens: deps.maxTokens,
          strategy,
          seed: request.sampling?.seed,
        },
        strategy: {
          name: strategy,
          samples: samples.length,
          ...(vote ? { votes: vote.votes, chosenSample: vote.chosen } : {}),
        },
        reasoning,
        rawOutput: vote ? samples[vote.chosen]?.answer : response.json,
        inputFindings,
        omittedItems: prompt.omitted,
        suggestionSet: set,
        inferenceTimings: response.timings,
      },
    });
    span.setAttribute(Attr.AuditSeq, row.seq);
    return row;
  });
  await deps.publish(set);
  await deps.publishAudit(decisionAuditEvent(context, set, { recordedAt, verdict: worst, ruleIds }));
  deps.logger.info(
    {
      ...logFields,
      setId: set.setId,
      auditSeq: appended.seq,
      suggestions: suggestions.length,
      verdicts: verdicts.join(','),
      ruleIds,
      knowledgeFindings: coverage.findings.length,
      coveredByModel: coverage.findings.filter((finding) => finding.coveredBy.length > 0).length,
      strategy,
      inferenceMs: Math.round(decided.timingsMs.inference),
      railsMs: Math.round((decided.timingsMs.inputRails + decided.timingsMs.outputRails) * 100) / 100,
    },
    'context reviewed',
  );
  return set;
}
