import { z } from 'zod';
import { Coding, FhirReference, FindingSeverity, IsoDateTime, Pseudonym } from './common.js';
import { Evidence } from './suggestion-set.js';

/** What a knowledge rule is about, for grouping and the card's coded topic. */
export const KnowledgeCategory = z.enum([
  'allergy',
  'interaction',
  'opioid',
  'renal',
  'age',
  'deceased',
  'unidentified-medication',
]);
export type KnowledgeCategory = z.infer<typeof KnowledgeCategory>;

/** An action a finding proposes: cancel the draft order it is about, or order an alternative instead. */
export const KnowledgeSuggestion = z.object({
  label: z.string().min(1).max(200),
  kind: z.enum(['delete-draft', 'create-medication', 'create-service-request']),
  /** delete-draft: the draft order to remove. */
  draftRef: FhirReference.optional(),
  /** create-*: what to order (an RxNorm drug, or a SNOMED CT procedure). */
  code: Coding.optional(),
  /** Shown with the action (e.g. a dose for the alternative). */
  description: z.string().max(500).optional(),
});
export type KnowledgeSuggestion = z.infer<typeof KnowledgeSuggestion>;

/**
 * A finding of a coded, guideline-sourced rule (`packages/clinical-knowledge`) about one chart, with or
 * without the draft orders being signed. It names the rule, the guideline behind it and every FHIR
 * resource it rests on; its text is the rule's, filled with coded facts (drug names, values), never notes.
 */
export const KnowledgeFinding = z.object({
  /** Stable for the same finding on the same chart state: the CDS Hooks card uuid derives from it. */
  id: z.string().regex(/^k[0-9a-f]{20}$/),
  ruleId: z
    .string()
    .regex(/^knowledge(\.[a-z0-9-]+)+$/, 'must be a dotted rule id like "knowledge.renal.metformin"'),
  category: KnowledgeCategory,
  severity: FindingSeverity,
  /** What is wrong, in words (CDS Hooks 2.0, Card.summary: under 140 characters). */
  summary: z.string().min(1).max(140),
  /** Why it matters. */
  detail: z.string().min(1).max(2_000),
  /** What to do. */
  action: z.string().min(1).max(1_000),
  /** The guideline or implementation guide the rule encodes. */
  source: z.object({ label: z.string().min(1).max(300), url: z.url() }),
  /** Every resource the finding rests on (chart items and draft orders). */
  refs: z.array(FhirReference).min(1).max(50),
  /** The draft orders (order-select / order-sign) the finding is about. */
  draftRefs: z.array(FhirReference).max(50).default([]),
  suggestions: z.array(KnowledgeSuggestion).max(10).default([]),
});
export type KnowledgeFinding = z.infer<typeof KnowledgeFinding>;

/** The knowledge findings for one chart state, kept for the sidebar and for feedback on their cards. */
export const KnowledgeReport = z.object({
  patient: z.object({ ref: FhirReference, pseudonym: Pseudonym }),
  evaluatedAt: IsoDateTime,
  /** The rule set that produced it (package version and data digest). */
  rulesVersion: z.string().min(1).max(100),
  findings: z.array(KnowledgeFinding).max(200),
  /** A snapshot of every resource the findings cite (what, when, which value). */
  evidence: z.array(Evidence).max(500).default([]),
});
export type KnowledgeReport = z.infer<typeof KnowledgeReport>;
