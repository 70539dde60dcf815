import { deterministicUuid } from '@aloe/shared/canonical';
import type { Evidence, Suggestion, SuggestionSet } from '@aloe/shared/schemas';
import { AI_LABEL } from './ai-label.js';
import type { CdsCard, CdsLink } from './cds-types.js';

/** Override reasons offered on every card; the chosen one comes back in feedback and the audit log. */
export const OVERRIDE_REASONS = [
  { system: 'urn:aloe:override-reason', code: 'not-relevant', display: 'Not relevant to this patient' },
  { system: 'urn:aloe:override-reason', code: 'already-addressed', display: 'Already addressed' },
  { system: 'urn:aloe:override-reason', code: 'incorrect', display: 'Incorrect or unsafe suggestion' },
];

/** A card uuid that is the same for the same suggestion of the same set (feedback maps back to it). */
export function cardUuid(setId: string, suggestionId: string): string {
  return deterministicUuid(setId, suggestionId);
}

/**
 * The AI cards for a suggestion set (pure). Blocked suggestions never become cards, nor do the set's
 * knowledge suggestions (the hook answers with the rules' cards on the live chart already). Each card
 * shows its evidence (the cited resources with dates and values), its guardrail label and the rules
 * behind it, and that it is AI-generated, with the model that produced it.
 */
export function suggestionSetToCards(set: SuggestionSet, sidebar: CdsLink | undefined): CdsCard[] {
  const evidenceByRef = new Map(set.evidence.map((item) => [item.ref, item]));
  return set.suggestions
    .filter((suggestion) => suggestion.verdict !== 'block' && suggestion.source !== 'knowledge')
    .map((suggestion) => ({
      uuid: cardUuid(set.setId, suggestion.id),
      // CDS Hooks 2.0, Card.summary: under 140 characters.
      summary: suggestion.title.slice(0, 139),
      detail: cardDetail(suggestion, evidenceByRef, set),
      indicator: indicatorOf(suggestion),
      source: {
        label: `Aloe assistant (${AI_LABEL}${set.model.testModel ? ', TEST MODEL' : ''})`,
        topic: { system: 'urn:aloe:suggestion-kind', code: suggestion.kind, display: suggestion.kind },
      },
      overrideReasons: OVERRIDE_REASONS,
      ...(sidebar ? { links: [sidebar] } : {}),
    }));
}

/** The single card shown while no suggestion set is ready yet: the clinician never waits on a blank. */
export function pendingCard(patientPseudonym: string, sidebar: CdsLink | undefined): CdsCard {
  return {
    uuid: cardUuid('pending', patientPseudonym),
    summary: 'Aloe is reviewing this chart; open the assistant for its suggestions',
    indicator: 'info',
    source: { label: `Aloe assistant (${AI_LABEL})` },
    ...(sidebar ? { links: [sidebar] } : {}),
  };
}

function indicatorOf(suggestion: Suggestion): CdsCard['indicator'] {
  if (suggestion.verdict === 'warn') return suggestion.severity === 'high' ? 'critical' : 'warning';
  return suggestion.severity === 'high' ? 'warning' : 'info';
}

function cardDetail(
  suggestion: Suggestion,
  evidenceByRef: Map<string, Evidence>,
  set: SuggestionSet,
): string {
  const evidence = suggestion.citations.map((ref) => {
    const item = evidenceByRef.get(ref);
    const parts = [item?.display ?? ref, item?.value, item?.date ? `(${item.date})` : undefined].filter(
      Boolean,
    );
    return `- ${escapeMarkdown(parts.join(' '))} — \`${ref}\``;
  });
  const label = suggestion.verdict === 'warn' ? '**Guardrail: WARN**' : '**Guardrail: allowed**';
  const reasons = suggestion.reasons.map(
    (reason) => `- \`${reason.ruleId}\` (${reason.severity}): ${escapeMarkdown(reason.message)}`,
  );
  return [
    escapeMarkdown(suggestion.text),
    suggestion.rationale ? `\n_Why:_ ${escapeMarkdown(suggestion.rationale)}` : '',
    '\n**Evidence**',
    ...evidence,
    `\n${label}`,
    ...reasons,
    `\n_${escapeMarkdown(set.disclaimer)} Model: ${escapeMarkdown(set.model.name)}._`,
  ]
    .filter((line) => line !== '')
    .join('\n');
}

/** U+2060 WORD JOINER: invisible, and no GFM autolink pattern matches across it. */
const JOINER = '\u2060';

/**
 * Model and EHR text is untrusted: it must not become links, images or HTML in the EHR's markdown
 * renderer. Markdown syntax is escaped; GFM's bare autolinks (`scheme://…`, `www.…`, `a@b.c`,
 * `mailto:`), which ignore backslash escapes, are broken by an invisible word joiner, so the text reads
 * the same and stays text.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\\`*_{}[\]()#+!<>|~]/g, (character) => `\\${character}`)
    .replace(/:\/\//g, `:${JOINER}//`)
    .replace(/\b(www)\./gi, `$1${JOINER}.`)
    .replace(/@/g, `@${JOINER}`)
    .replace(/\b(javascript|mailto|xmpp|data|vbscript):/gi, `$1${JOINER}:`);
}
