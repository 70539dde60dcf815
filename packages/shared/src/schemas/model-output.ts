import { z } from 'zod';

/**
 * The model's output contract (docs/architecture.md#model-output-contract), defined once: the guardrails
 * build the per-request JSON schema from it (the grammar the inference service enforces) and parse the answer
 * with it. What a suggestion proposes is data: `actions`, which the output rails check against the clinical
 * knowledge.
 */

export const SuggestionKind = z.enum(['medication-safety', 'care-gap', 'differential', 'summary']);
export type SuggestionKind = z.infer<typeof SuggestionKind>;

/** What a suggestion proposes to do. */
export const ActionType = z.enum([
  'start',
  'stop',
  'continue',
  'change-dose',
  'hold',
  'monitor',
  'order-test',
  'refer',
  'none',
]);
export type ActionType = z.infer<typeof ActionType>;

/** Action types that keep or put a drug on the medication list. */
export const ACTIONS_THAT_KEEP: ReadonlySet<ActionType> = new Set(['start', 'continue', 'change-dose']);
/** Action types that take a drug off the medication list (for now or for good). */
export const ACTIONS_THAT_REMOVE: ReadonlySet<ActionType> = new Set(['stop', 'hold']);

export const DoseUnit = z.enum([
  'mg',
  'mcg',
  'g',
  'mL',
  'units',
  'mmol',
  'mcg/h',
  'tablets',
  'puffs',
  'drops',
]);

/** Frequencies a proposed dose may name, with the administrations per day the dose rules need. */
export const DOSE_FREQUENCIES = {
  once: undefined,
  'once daily': 1,
  'twice daily': 2,
  'three times daily': 3,
  'four times daily': 4,
  'every 4 hours': 6,
  'every 6 hours': 4,
  'every 8 hours': 3,
  'every 12 hours': 2,
  'at night': 1,
  'once weekly': 1 / 7,
  'as needed': undefined,
} as const satisfies Record<string, number | undefined>;
export const DoseFrequency = z.enum(Object.keys(DOSE_FREQUENCIES) as [keyof typeof DOSE_FREQUENCIES]);

/**
 * A proposed dose. Its amount is decimal text ("500", "0.5"): a JSON number's exponent is unbounded in
 * the grammar (1e9999999 parses to Infinity and fails the whole answer), and the grammar cannot say
 * "positive". An amount that is not a positive decimal is a rail finding (see doseAmountOf), not a
 * parse failure: the set is still audited and the suggestion blocked with its reason.
 */
export const ProposedDose = z.object({
  amount: z.string().min(1).max(10),
  unit: DoseUnit,
  frequency: DoseFrequency,
});
export type ProposedDose = z.infer<typeof ProposedDose>;

/** A proposed dose's amount as a number, when it is a positive decimal; otherwise undefined. */
export function doseAmountOf(dose: ProposedDose): number | undefined {
  if (!/^\d{1,6}(?:\.\d{1,4})?$/.test(dose.amount)) return undefined;
  const amount = Number(dose.amount);
  return amount > 0 ? amount : undefined;
}

/** The parts of a suggestion whose allowed values depend on the request (the context's references). */
interface Vocabulary {
  citation: z.ZodType<string>;
  medication: z.ZodType<string | null>;
  kind: z.ZodType<SuggestionKind>;
}

function actionShape(vocabulary: Pick<Vocabulary, 'medication'>) {
  return z.object({
    type: ActionType,
    /** A medication reference of the context, or a drug of the knowledge vocabulary for a new one; null when none. */
    medication: vocabulary.medication,
    dose: ProposedDose.nullable(),
  });
}

function outputShape(vocabulary: Vocabulary, maxSuggestions: number) {
  return z.object({
    suggestions: z
      .array(
        z.object({
          kind: vocabulary.kind,
          // Strings and lists are bounded so the whole answer fits GUARDRAILS_MAX_TOKENS (4,096) even
          // with a byte-level vocabulary and the longest numbers the grammar allows (~3,300 characters
          // for 3 suggestions at worst), so even a poor model ends its output.
          title: z.string().min(1).max(80),
          text: z.string().min(1).max(240),
          severity: z.enum(['high', 'moderate', 'low']),
          citations: z.array(vocabulary.citation).min(1).max(3),
          actions: z.array(actionShape(vocabulary)).min(1).max(2),
        }),
      )
      .min(1)
      .max(maxSuggestions),
  });
}

/** An action as a suggestion carries it (any reference or drug name; the per-request schema narrows it). */
export const SuggestedAction = actionShape({ medication: z.string().min(1).max(200).nullable() });
export type SuggestedAction = z.infer<typeof SuggestedAction>;

/** The model's answer, whatever request it answered. */
export const ModelOutput = outputShape(
  { citation: z.string(), medication: z.string().nullable(), kind: SuggestionKind },
  10,
);
export type ModelOutput = z.infer<typeof ModelOutput>;

export interface ModelOutputOptions {
  /** The references the prompt shows (the model may cite only these). */
  citable: readonly string[];
  /** The medication references among them (an action may name one). */
  medications: readonly string[];
  /** Drug names of the knowledge vocabulary (an action may start one). */
  drugs: readonly string[];
  kinds: readonly SuggestionKind[];
  maxSuggestions?: number;
}

const oneOf = (values: readonly string[]) => z.enum(values as [string, ...string[]]);

/**
 * The output schema for one request: citations are the prompt's references and an action's medication
 * one of the prompt's medications or a vocabulary drug, so the model can only cite what exists and name
 * what the rules know (grounding by construction).
 */
export function modelOutputFor(options: ModelOutputOptions): typeof ModelOutput {
  if (options.citable.length === 0) throw new Error('a model output needs at least one citable reference');
  const names = [...new Set([...options.medications, ...options.drugs])];
  const medication = names.length > 0 ? z.union([oneOf(names), z.null()]) : z.null();
  return outputShape(
    {
      citation: oneOf([...new Set(options.citable)]),
      medication,
      kind: z.enum([...new Set(options.kinds)] as [SuggestionKind, ...SuggestionKind[]]),
    },
    options.maxSuggestions ?? 3,
  ) as unknown as typeof ModelOutput;
}

// JSON Schema keywords node-llama-cpp turns into grammar (utils/gbnfJson/types.ts). Anything else is
// ignored by its converter, and a schema node it cannot read becomes `null`: refuse it here instead.
const GRAMMAR_KEYWORDS = new Set([
  'type',
  'enum',
  'const',
  'oneOf',
  'properties',
  'additionalProperties',
  'items',
  'prefixItems',
  'minItems',
  'maxItems',
  'minLength',
  'maxLength',
  'description',
]);

/**
 * The JSON Schema of a zod schema in the subset a llama.cpp grammar enforces: `anyOf` becomes `oneOf`
 * (zod writes unions and nullables as anyOf), every property must be required (the grammar writes them
 * all), and a keyword the grammar would drop (pattern, minimum, format …) is an error, not a silent gap.
 */
export function grammarJsonSchema(schema: z.ZodType): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { io: 'output', unrepresentable: 'throw' }) as Record<string, unknown>;
  const { $schema: _dialect, ...root } = json;
  return toGrammarNode(root, '#');
}

function toGrammarNode(node: Record<string, unknown>, path: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [keyword, value] of Object.entries(node)) {
    if (keyword === 'required') continue;
    if (keyword === 'anyOf') {
      out.oneOf = (value as Array<Record<string, unknown>>).map((item, i) =>
        toGrammarNode(item, `${path}/anyOf/${i}`),
      );
      continue;
    }
    if (!GRAMMAR_KEYWORDS.has(keyword))
      throw new Error(
        `${path}: the grammar cannot enforce "${keyword}"; express it another way or check it in a rail`,
      );
    if (keyword === 'properties') {
      const properties = value as Record<string, Record<string, unknown>>;
      const required = new Set((node.required as string[] | undefined) ?? []);
      for (const name of Object.keys(properties))
        if (!required.has(name))
          throw new Error(
            `${path}/properties/${name}: optional; the grammar writes every property (make it nullable)`,
          );
      out.properties = Object.fromEntries(
        Object.entries(properties).map(([name, child]) => [
          name,
          toGrammarNode(child, `${path}/properties/${name}`),
        ]),
      );
    } else if (keyword === 'items' || (keyword === 'additionalProperties' && typeof value === 'object')) {
      out[keyword] = toGrammarNode(value as Record<string, unknown>, `${path}/${keyword}`);
    } else if (keyword === 'oneOf' || keyword === 'prefixItems') {
      out[keyword] = (value as Array<Record<string, unknown>>).map((item, i) =>
        toGrammarNode(item, `${path}/${keyword}/${i}`),
      );
    } else {
      out[keyword] = value;
    }
  }
  return out;
}
