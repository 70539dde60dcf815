import { z } from 'zod';
import { FhirReference, FindingSeverity, IsoDateTime, Pseudonym, RuleFinding } from './common.js';
import { SuggestedAction, SuggestionKind } from './model-output.js';

/** allow: show; warn: show with the warning; block: never shown or written back, only audited. */
export const Verdict = z.enum(['allow', 'warn', 'block']);
export type Verdict = z.infer<typeof Verdict>;

export const Suggestion = z.object({
  /** Stable across redeliveries (derived from contextId + position), used for idempotent write-back. */
  id: z.string().regex(/^[A-Za-z0-9\-.]{1,64}$/),
  kind: SuggestionKind,
  /** CDS Hooks 2.0, Card.summary: under 140 characters. */
  title: z.string().min(1).max(140),
  text: z.string().min(1).max(4_000),
  rationale: z.string().max(4_000).optional(),
  severity: z.enum(['high', 'moderate', 'low']).optional(),
  /** The context items this suggestion rests on; at least one (grounding). */
  citations: z.array(FhirReference).min(1).max(50),
  /** What the suggestion proposes, as data (the output rails check it against the clinical knowledge). */
  actions: z.array(SuggestedAction).max(10).optional(),
  /**
   * `knowledge`: a clinical rule found it on the chart and no model suggestion addressed it
   * (completeness); shown as a rule, never with the AI label. Absent or `model`: Aloe proposed it.
   */
  source: z.enum(['model', 'knowledge']).optional(),
  /** For a knowledge suggestion: the finding it carries (its rule id is the first reason's). */
  findingId: z.string().max(64).optional(),
  /** For a knowledge suggestion: the guideline or implementation guide its rule encodes. */
  guideline: z.object({ label: z.string().min(1).max(300), url: z.url() }).optional(),
  verdict: Verdict,
  reasons: z.array(RuleFinding).max(50),
});
export type Suggestion = z.infer<typeof Suggestion>;

export const ModelDescriptor = z.object({
  id: z.string().min(1).max(200),
  name: z.string().min(1).max(200),
  fileSha256: z.string().regex(/^[a-f0-9]{64}$/),
  quantization: z.string().max(32),
  chatTemplate: z.string().max(100),
  /** True for the project's random-weight test model. */
  testModel: z.boolean(),
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
});
export type ModelDescriptor = z.infer<typeof ModelDescriptor>;

/**
 * A snapshot of a cited context item, so the EHR side can show the evidence (what, when, which value)
 * without keeping the context: the guardrails service copies it from the PatientContext.
 */
export const Evidence = z.object({
  ref: FhirReference,
  kind: z.string().max(32),
  display: z.string().max(500).optional(),
  date: z.string().max(40).optional(),
  value: z.string().max(500).optional(),
  /** A draft order of the CDS request (order-select / order-sign): not in the EHR, so never written as a reference. */
  draft: z.boolean().optional(),
});
export type Evidence = z.infer<typeof Evidence>;

/**
 * Which of the chart's knowledge findings the model's shown suggestions addressed (the rest joined the
 * set as knowledge suggestions): a measure of the model, kept in the audit row.
 */
export const KnowledgeCoverage = z.object({
  rulesVersion: z.string().min(1).max(100),
  findings: z
    .array(
      z.object({
        findingId: z.string().max(64),
        ruleId: z.string().max(200),
        severity: FindingSeverity,
        /** The model suggestions that addressed it; empty when a knowledge suggestion carries it. */
        coveredBy: z.array(z.string().max(64)).max(50),
      }),
    )
    .max(200),
});
export type KnowledgeCoverage = z.infer<typeof KnowledgeCoverage>;

/** The annotated output for one PatientContext, produced to `aloe.suggestions.v1` keyed by pseudonym. */
export const SuggestionSet = z.object({
  setId: z.uuid(),
  contextId: z.uuid(),
  patient: z.object({ ref: FhirReference, pseudonym: Pseudonym }),
  fhirBase: z.url(),
  model: ModelDescriptor,
  suggestions: z.array(Suggestion).max(50),
  /** One entry per cited reference, for the cards' evidence. */
  evidence: z.array(Evidence).max(500).default([]),
  /** What the input rails found (e.g. an instruction hidden in a note), recorded even when nothing was blocked. */
  inputFindings: z.array(RuleFinding).max(100).default([]),
  disclaimer: z.string().min(1).max(500),
  knowledgeCoverage: KnowledgeCoverage.optional(),
  producedAt: IsoDateTime,
  /** The chart state the set answers (contextFingerprint): an unchanged chart reuses its set. */
  contextFingerprint: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
  /** What asked for the analysis (the CDS hook and its instance), so draft orders are cited as its context. */
  trigger: z
    .object({
      kind: z.string().max(32),
      hook: z.string().max(64).optional(),
      hookInstance: z.string().max(100).optional(),
    })
    .optional(),
  /** Whether the set may be written to the EHR, and why not (a deceased patient): the decision says so. */
  writeBack: z.object({ allowed: z.boolean(), reason: z.string().max(500).optional() }).optional(),
  /** Durations in milliseconds by stage (inputRails, prompt, inference, outputRails, total). */
  timingsMs: z.record(z.string(), z.number().nonnegative()),
});
export type SuggestionSet = z.infer<typeof SuggestionSet>;
