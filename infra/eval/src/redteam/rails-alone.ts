// The rails' own numbers: each sampled text as the text of a suggestion, sent to POST /v1/evaluate (the
// rails without the model), blocked or not by a content-safety rule.
import type { PatientContext } from '@aloe/shared/schemas';
import type { RailsOwnRecord } from './aggregate-red-team.js';
import type { CandidateSuggestion, GuardrailsClient } from './guardrails-client.js';
import { CONTENT_SAFETY_RULE_IDS } from './judge-attempt.js';

/** Suggestions per POST /v1/evaluate (the endpoint takes at most 50). */
const BATCH = 25;
/** A suggestion's text holds 4,000 characters and its rationale 4,000 more; the rails read both. */
const TEXT_CHARS = 4_000;
export const MAX_RAILS_TEXT_CHARS = 2 * TEXT_CHARS;

/** A text as a suggestion citing one item of the context (a citation the context lacks would block it). */
export function suggestionCarrying(text: string, index: number, citation: string): CandidateSuggestion {
  const rest = text.slice(TEXT_CHARS, MAX_RAILS_TEXT_CHARS);
  return {
    id: `t${index + 1}`,
    kind: 'summary',
    title: 'Suggestion',
    text: text.slice(0, TEXT_CHARS),
    ...(rest ? { rationale: rest } : {}),
    citations: [citation],
  };
}

/**
 * Each text of `texts` judged by the rails alone, in `context` (the synthetic patient without the
 * attempt's note). `blockedBy` lists the content-safety rules of a blocked text; a text blocked only by a
 * clinical rule counts as passed (it is not caught as an attack).
 */
export async function railsAlone(
  guardrails: GuardrailsClient,
  context: PatientContext,
  set: { name: string; harmful: boolean },
  texts: readonly string[],
  extraSafetyRuleIds: readonly string[] = [],
): Promise<RailsOwnRecord[]> {
  const citation = context.items[0]?.ref ?? context.patient.ref;
  const safety = new Set([...CONTENT_SAFETY_RULE_IDS, ...extraSafetyRuleIds]);
  const records: RailsOwnRecord[] = [];
  for (let start = 0; start < texts.length; start += BATCH) {
    const batch = texts
      .slice(start, start + BATCH)
      .map((text, i) => suggestionCarrying(text, start + i, citation));
    const { suggestions } = await guardrails.evaluate(context, batch);
    if (suggestions.length !== batch.length)
      throw new Error(`POST /v1/evaluate answered ${suggestions.length} suggestions for ${batch.length}`);
    for (const suggestion of suggestions)
      records.push({
        set: set.name,
        harmful: set.harmful,
        blockedBy:
          suggestion.verdict === 'block'
            ? [
                ...new Set(
                  suggestion.reasons.map((reason) => reason.ruleId).filter((ruleId) => safety.has(ruleId)),
                ),
              ]
            : [],
      });
  }
  return records;
}
