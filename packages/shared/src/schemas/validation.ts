import { z } from 'zod';
import { FhirReference, RuleFinding } from './common.js';
import { PatientContext } from './patient-context.js';
import { Verdict } from './suggestion-set.js';

// The go-live validation contracts of the guardrails (docs/architecture.md#go-live-validation): one
// context reviewed with and without the rails, and a report's hash recorded in the audit log.

/** `POST /v1/validate/review`: the context to review twice (nothing is published or logged). */
export const ReviewValidationRequest = z.object({ context: PatientContext });
export type ReviewValidationRequest = z.infer<typeof ReviewValidationRequest>;

/** One head of the harm rail's judge on a text: its probability and whether it reaches the head's threshold. */
const JudgeHead = z.object({ probability: z.number().min(0).max(1), flagged: z.boolean() });

/** The learned harm rail's verdict on one suggestion's text (title, text, rationale), as the output rail reads it. */
export const JudgeScore = z.object({
  /** Either head flagged it: the rail would block it. */
  flagged: z.boolean(),
  /** Does the text ask for or give harm. */
  harm: JudgeHead,
  /** Is the text dressed to steer a model (a jailbreak). */
  framing: JudgeHead,
  /** Which embedding decided: the distilled token table or the transformer. */
  stage: z.enum(['screen', 'encoder']),
  /** The rule ids of the heads that flagged it (empty below both thresholds). */
  ruleIds: z.array(z.string().max(200)).max(10),
});
export type JudgeScore = z.infer<typeof JudgeScore>;

/**
 * What the model's answer was: suggestions, an empty list, or output outside the requested schema (in
 * production the context then goes to the dead-letter topic and nothing is shown).
 */
export const ModelOutcome = z.enum(['suggestions', 'empty', 'invalid-output']);
export type ModelOutcome = z.infer<typeof ModelOutcome>;

/** The review without the rails: the raw context to the model, its candidates judged but none blocked. */
export const UnrailedReview = z.object({
  strategy: z.string().max(40),
  /** SHA-256 of the chat messages asked (canonical JSON), as a decision row's `messagesHash`. */
  messagesSha256: z.string().regex(/^[0-9a-f]{64}$/),
  outcome: ModelOutcome,
  /** The model declined: no suggestion, or every suggestion reads as a refusal ("I'm sorry, I cannot …"). */
  refused: z.boolean(),
  candidates: z
    .array(
      z.object({
        title: z.string().max(140),
        text: z.string().max(4_000),
        /** The text opens by declining and never turns to complying. */
        refusal: z.boolean(),
        judge: JudgeScore,
      }),
    )
    .max(50),
  timingsMs: z.record(z.string(), z.number().nonnegative()),
});
export type UnrailedReview = z.infer<typeof UnrailedReview>;

/** What the input rails changed in one context item, by field path ("text", "dose.text"): never the content. */
export const InputChange = z.object({
  itemRef: FhirReference,
  /** Fields kept out of the prompt because they instructed the model (a note's text removed, a short field marked). */
  withheld: z.array(z.string().max(200)).max(200),
  /** Fields rewritten (control tokens stripped, identifiers replaced). */
  cleaned: z.array(z.string().max(200)).max(200),
});
export type InputChange = z.infer<typeof InputChange>;

/** The production path: input rails, inference on the cleaned context, output rails, completeness. */
export const RailedReview = z.object({
  strategy: z.string().max(40),
  /** SHA-256 of the chat messages asked (canonical JSON, from the cleaned context), as the decision row's `messagesHash`. */
  messagesSha256: z.string().regex(/^[0-9a-f]{64}$/),
  outcome: ModelOutcome,
  inputFindings: z.array(RuleFinding).max(100),
  inputChanges: z.array(InputChange).max(2_000),
  /** How many suggestions the model proposed before the output rails. */
  modelCandidates: z.number().int().nonnegative(),
  /** What a clinician would see: allowed and warned suggestions, the model's and the rules' (completeness). */
  shown: z
    .array(
      z.object({
        id: z.string().max(64),
        source: z.enum(['model', 'knowledge']),
        title: z.string().max(140),
        text: z.string().max(4_000),
        verdict: Verdict.exclude(['block']),
        ruleIds: z.array(z.string().max(200)).max(50),
        /** The judge's scores, for the model's suggestions (the rules' are not judged). */
        judge: JudgeScore.optional(),
      }),
    )
    .max(50),
  /** What the output rails blocked: never shown or written back. */
  blocked: z
    .array(
      z.object({
        id: z.string().max(64),
        title: z.string().max(140),
        ruleIds: z.array(z.string().max(200)).max(50),
        messages: z.array(z.string().max(1_000)).max(50),
        judge: JudgeScore.optional(),
      }),
    )
    .max(50),
  timingsMs: z.record(z.string(), z.number().nonnegative()),
});
export type RailedReview = z.infer<typeof RailedReview>;

/** `POST /v1/validate/review`'s answer: both reviews, and what produced them. */
export const ReviewValidation = z.object({
  contextId: z.uuid(),
  /** The served model (from the inference response); null when neither review got a valid answer. */
  model: z
    .object({
      id: z.string().max(200),
      name: z.string().max(200),
      fileSha256: z.string().max(64),
      quantization: z.string().max(32),
      chatTemplate: z.string().max(100),
      testModel: z.boolean(),
    })
    .nullable(),
  /** The judge of both reviews: the output rail's learned harm classifier. */
  judge: z.object({
    name: z.string().max(100),
    /** Its encoder, token table and heads by digest, with the heads' thresholds. */
    id: z.string().max(500),
    /** The harm head's threshold (the framing head's is in `id`). */
    threshold: z.number(),
    ruleIds: z.array(z.string().max(200)).max(10),
  }),
  rules: z.object({
    /** The clinical knowledge's identity (@aloe/clinical-knowledge KNOWLEDGE_VERSION). */
    knowledgeVersion: z.string().max(100),
    /** sha256 of the rails' rule ids and pattern tables with the knowledge version (RAIL_SET_VERSION). */
    railSetVersion: z.string().max(100),
  }),
  withoutRails: UnrailedReview,
  withRails: RailedReview,
});
export type ReviewValidation = z.infer<typeof ReviewValidation>;

const SHA256 = /^[0-9a-f]{64}$/;
/** The most a summary may hold as JSON: it lives in a row of the audit log, not beside it. */
export const MAX_EVIDENCE_SUMMARY_BYTES = 16_384;

/** `POST /v1/audit/evidence`: a report's files by hash, and a small summary, recorded in the audit chain. */
export const EvidenceRequest = z.object({
  kind: z.enum(['go-live-report']),
  files: z
    .array(
      z.object({
        /** The file's name in the export folder (relative, no `..`). */
        name: z
          .string()
          .min(1)
          .max(255)
          .regex(/^[\w.-]+(\/[\w.-]+)*$/, 'must be a relative file name (letters, digits, _ . - and /)')
          .refine((name) => !name.split('/').includes('..'), 'must not climb out of the folder (..)'),
        sha256: z.string().regex(SHA256, 'must be a SHA-256 in lower-case hex'),
        bytes: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
      }),
    )
    .min(1)
    .max(100),
  summary: z
    .record(z.string(), z.unknown())
    .refine(
      (summary) => new TextEncoder().encode(JSON.stringify(summary)).length <= MAX_EVIDENCE_SUMMARY_BYTES,
      `must be at most ${MAX_EVIDENCE_SUMMARY_BYTES} bytes as JSON`,
    ),
});
export type EvidenceRequest = z.infer<typeof EvidenceRequest>;

/** Where the evidence sits in the chain. `duplicate`: the same request was recorded before (a retry). */
export const EvidenceReceipt = z.object({
  seq: z.number().int().positive(),
  rowHash: z.string().regex(SHA256),
  duplicate: z.boolean(),
});
export type EvidenceReceipt = z.infer<typeof EvidenceReceipt>;
