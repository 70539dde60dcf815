import { InvalidInputError } from '@aloe/shared/errors';
import type { SuggestionSet } from '@aloe/shared/schemas';

/** The words every card, sidebar entry and written resource that carries model text shows beside it. */
export const AI_LABEL = 'AI-generated';

/**
 * A set's disclaimer comes over Kafka from the guardrails: model text is shown and written only with a
 * disclaimer that says it is AI-generated, so a producer that drops or rewrites it cannot make model
 * text look like the record's or the rules'. Throws the reason (the consumer dead-letters the set).
 */
export function assertAiDisclaimer(set: SuggestionSet): void {
  if (!/\bAI\b|artificial intelligence/i.test(set.disclaimer))
    throw new InvalidInputError(
      `Suggestion set ${set.setId}: its disclaimer does not say the suggestions are AI-generated; nothing of it is shown or written`,
    );
}

/**
 * What a rendering of model text lacks (the AI label, the set's disclaimer): empty when it carries both.
 * The same check over every surface in the tests: cards, sidebar entries, written resources.
 */
export function missingAiMarks(rendered: string, disclaimer: string): string[] {
  return [
    ...(rendered.includes(AI_LABEL) ? [] : ['the AI label']),
    ...(rendered.includes(disclaimer) ? [] : ['the disclaimer']),
  ];
}
