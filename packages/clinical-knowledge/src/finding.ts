import { createHash } from 'node:crypto';
import type { KnowledgeCategory, KnowledgeFinding, KnowledgeSuggestion } from '@aloe/shared/schemas';
import { SOURCES, type SourceId } from './data/sources.js';

/** What a rule says about a chart; `evaluate` turns it into a KnowledgeFinding with a stable id. */
export interface DraftFinding {
  ruleId: string;
  category: KnowledgeCategory;
  severity: KnowledgeFinding['severity'];
  summary: string;
  detail: string;
  action: string;
  source: SourceId;
  refs: readonly string[];
  draftRefs?: readonly string[];
  suggestions?: readonly KnowledgeSuggestion[];
}

/** CDS Hooks 2.0, Card.summary: under 140 characters. */
const MAX_SUMMARY = 140;

/**
 * The finding with its id: the same rule on the same resources in the same state (`stateOf` gives what
 * the chart says of each) gets the same id, so a card uuid is stable across calls on an unchanged
 * chart and changes when a resource it rests on changes.
 */
export function toFinding(
  draft: DraftFinding,
  patientRef: string,
  stateOf: (ref: string) => unknown = () => undefined,
): KnowledgeFinding {
  const refs = [...new Set(draft.refs)];
  const summary =
    draft.summary.length <= MAX_SUMMARY
      ? draft.summary
      : `${draft.summary.slice(0, MAX_SUMMARY - 1).trimEnd()}…`;
  const id = createHash('sha256')
    .update(
      JSON.stringify([patientRef, draft.ruleId, summary, [...refs].sort().map((ref) => [ref, stateOf(ref)])]),
    )
    .digest('hex')
    .slice(0, 20);
  return {
    id: `k${id}`,
    ruleId: draft.ruleId,
    category: draft.category,
    severity: draft.severity,
    summary,
    detail: draft.detail,
    action: draft.action,
    source: { ...SOURCES[draft.source] },
    refs: refs.slice(0, 50),
    draftRefs: [...new Set(draft.draftRefs ?? [])],
    suggestions: [...(draft.suggestions ?? [])],
  };
}

/** Names for a card: the drug's display, shortened to what a clinician reads at a glance. */
export function nameOf(display: string | undefined, fallback = 'an unnamed medication'): string {
  if (!display) return fallback;
  return display.length > 60 ? `${display.slice(0, 57).trimEnd()}…` : display;
}
