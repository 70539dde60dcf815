import type { Evidence, KnowledgeFinding, KnowledgeReport, KnowledgeSuggestion } from '@aloe/shared/schemas';
import type { CdsAction, CdsCard, CdsLink, CdsSuggestion } from './cds-types.js';
import { cardUuid, escapeMarkdown } from './suggestion-to-card.js';

/** The coded topic of a knowledge card: the rule that produced it. */
export const KNOWLEDGE_RULE_SYSTEM = 'urn:aloe:knowledge-rule';

/** Override reasons of knowledge cards (CDS Hooks 2.0 Card.overrideReasons); feedback names the one chosen. */
export const KNOWLEDGE_OVERRIDE_REASONS = [
  {
    system: 'urn:aloe:override-reason',
    code: 'benefit-outweighs-risk',
    display: 'Benefit outweighs the risk for this patient',
  },
  {
    system: 'urn:aloe:override-reason',
    code: 'will-monitor',
    display: 'Aware: dose adjusted or will monitor',
  },
  {
    system: 'urn:aloe:override-reason',
    code: 'not-applicable',
    display: 'Does not apply (record out of date or wrong)',
  },
  { system: 'urn:aloe:override-reason', code: 'already-addressed', display: 'Already addressed' },
];

/** The card uuid of a finding: stable for the same finding on the same chart state. */
export function knowledgeCardUuid(finding: Pick<KnowledgeFinding, 'id'>): string {
  return cardUuid('knowledge', finding.id);
}

export interface KnowledgeCardOptions {
  sidebar: CdsLink | undefined;
  /** Draft orders the EHR gave an id: only those can be deleted by a suggestion. */
  identifiedDrafts: ReadonlySet<string>;
}

/**
 * Standard CDS Hooks 2.0 cards for the findings of a knowledge report: indicator by severity, the
 * message first (what, why, what to do), the evidence with dates and values for every resource the
 * finding rests on, the guideline as the card's source (its coded topic is the rule id), suggestions
 * as actions (cancel the draft, order an alternative), override reasons and the sidebar link. Labelled
 * as coming from rules, not from the AI. Every EHR value is escaped: it cannot become markdown links.
 */
export function knowledgeCards(report: KnowledgeReport, options: KnowledgeCardOptions): CdsCard[] {
  const evidence = new Map(report.evidence.map((item) => [item.ref, item]));
  return report.findings.map((finding) => {
    const suggestions = finding.suggestions
      .map((suggestion, index) => toSuggestion(finding, suggestion, index, report.patient.ref, options))
      .filter((suggestion): suggestion is CdsSuggestion => suggestion !== undefined);
    return {
      uuid: knowledgeCardUuid(finding),
      summary: finding.summary,
      detail: detailOf(finding, evidence, report.rulesVersion),
      indicator: finding.severity,
      source: {
        label: `Aloe clinical rules (not AI): ${finding.source.label}`.slice(0, 200),
        url: finding.source.url,
        topic: { system: KNOWLEDGE_RULE_SYSTEM, code: finding.ruleId, display: finding.category },
      },
      ...(suggestions.length > 0 ? { suggestions, selectionBehavior: 'any' as const } : {}),
      overrideReasons: KNOWLEDGE_OVERRIDE_REASONS,
      ...(options.sidebar ? { links: [options.sidebar] } : {}),
    };
  });
}

/** One evidence line: what, value, when, and the reference. */
export function evidenceLine(item: Evidence | undefined, ref: string): string {
  const parts = [
    item?.display ?? ref,
    item?.value,
    item?.date ? `(${item.date.slice(0, 10)})` : undefined,
  ].filter(Boolean);
  return `- ${escapeMarkdown(parts.join(' '))} — \`${ref}\``;
}

function detailOf(finding: KnowledgeFinding, evidence: Map<string, Evidence>, rulesVersion: string): string {
  return [
    escapeMarkdown(finding.detail),
    `\n**What to do:** ${escapeMarkdown(finding.action)}`,
    '\n**Evidence**',
    ...finding.refs.map((ref) => evidenceLine(evidence.get(ref), ref)),
    `\n_Source: [${escapeMarkdown(finding.source.label)}](${finding.source.url}). Rule \`${finding.ruleId}\`, clinical knowledge ${rulesVersion}: coded rules, not AI._`,
  ].join('\n');
}

function toSuggestion(
  finding: KnowledgeFinding,
  suggestion: KnowledgeSuggestion,
  index: number,
  patientRef: string,
  options: KnowledgeCardOptions,
): CdsSuggestion | undefined {
  const uuid = cardUuid(`knowledge-suggestion-${index}`, finding.id);
  let action: CdsAction | undefined;
  if (
    suggestion.kind === 'delete-draft' &&
    suggestion.draftRef &&
    options.identifiedDrafts.has(suggestion.draftRef)
  )
    action = { type: 'delete', description: suggestion.label, resourceId: [suggestion.draftRef] };
  if (suggestion.kind !== 'delete-draft' && suggestion.code) {
    // A draft order the clinician can sign: a MedicationRequest for a drug, a ServiceRequest for a test.
    const concept = { coding: [suggestion.code], text: suggestion.code.display };
    action = {
      type: 'create',
      description: suggestion.description ?? suggestion.label,
      resource: {
        resourceType: suggestion.kind === 'create-medication' ? 'MedicationRequest' : 'ServiceRequest',
        status: 'draft',
        intent: 'order',
        subject: { reference: patientRef },
        ...(suggestion.kind === 'create-medication'
          ? {
              medicationCodeableConcept: concept,
              ...(suggestion.description ? { dosageInstruction: [{ text: suggestion.description }] } : {}),
            }
          : { code: concept }),
      },
    };
  }
  return action ? { label: suggestion.label, uuid, actions: [action] } : undefined;
}
