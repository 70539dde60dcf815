import type { PatientContext, SuggestionKind } from '@aloe/shared/schemas';

const KINDS_BY_TASK: Record<PatientContext['tasks'][number], SuggestionKind> = {
  'medication-safety': 'medication-safety',
  'care-gaps': 'care-gap',
  summary: 'summary',
};

/**
 * The JSON Schema the model must follow, built per request. Grounding by construction (ARCHITECTURE §3):
 * `citations` items are an enum of the references present in this prompt, so the model can only cite
 * what exists. Strings and lists are bounded so the whole answer fits GUARDRAILS_MAX_TOKENS even with a
 * byte-level vocabulary (~1,500 tokens at worst), and even a poor model ends its output. Pure.
 */
export function buildOutputSchema(
  refs: readonly string[],
  tasks: PatientContext['tasks'],
  maxSuggestions = 3,
): object {
  return {
    type: 'object',
    properties: {
      suggestions: {
        type: 'array',
        minItems: 1,
        maxItems: maxSuggestions,
        items: {
          type: 'object',
          properties: {
            kind: { enum: [...new Set(tasks.map((task) => KINDS_BY_TASK[task]))] },
            title: { type: 'string', minLength: 1, maxLength: 100 },
            text: { type: 'string', minLength: 1, maxLength: 280 },
            severity: { enum: ['high', 'moderate', 'low'] },
            citations: { type: 'array', minItems: 1, maxItems: 3, items: { enum: [...refs] } },
          },
        },
      },
    },
  };
}
