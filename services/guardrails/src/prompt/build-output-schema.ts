import { PRESCRIBABLE_DRUGS } from '@aloe/clinical-knowledge';
import {
  grammarJsonSchema,
  type ModelOutput,
  modelOutputFor,
  type PatientContext,
  type SuggestionKind,
} from '@aloe/shared/schemas';

const KINDS_BY_TASK: Record<PatientContext['tasks'][number], SuggestionKind> = {
  'medication-safety': 'medication-safety',
  'care-gaps': 'care-gap',
  summary: 'summary',
};

export interface OutputContract {
  /** Parses the model's answer (the same schema the grammar was built from). */
  schema: typeof ModelOutput;
  /** The JSON Schema the inference service turns into a grammar. */
  jsonSchema: Record<string, unknown>;
}

/**
 * The output contract for one request (packages/shared model-output.ts), narrowed to this prompt:
 * citations are the references it shows, an action's medication one of its medications or a drug the
 * clinical knowledge knows, kinds those of the context's tasks. Pure.
 */
export function outputContractFor(refs: readonly string[], context: PatientContext): OutputContract {
  const shown = new Set(refs);
  const schema = modelOutputFor({
    citable: refs,
    medications: context.items
      .filter((item) => item.kind === 'medication' && shown.has(item.ref))
      .map((item) => item.ref),
    drugs: PRESCRIBABLE_DRUGS,
    kinds: context.tasks.map((task) => KINDS_BY_TASK[task]),
  });
  return { schema, jsonSchema: grammarJsonSchema(schema) };
}
