import type { TemplateFamily } from './chat-template.js';

export type StopSource =
  | 'template end-of-turn'
  | 'family rule'
  | 'gguf eos'
  | 'gguf eot'
  | 'gguf eom'
  | 'llama.cpp end-of-generation';

/** A token that ends generation, and every reason the service stops there. */
export interface StopToken {
  id: number;
  text: string;
  sources: StopSource[];
}

/**
 * The tokens that end a turn in each template family, whatever the file's eos says: Llama 3.x ends a
 * turn with <|eot_id|>, a tool call with <|eom_id|> (3.1), a document with <|end_of_text|>; ChatML
 * (Qwen2.5) ends a turn with <|im_end|> and a document with <|endoftext|>
 * (docs/research-notes.md#chat-templates-and-stop-tokens).
 */
export const FAMILY_STOPS: Readonly<Record<TemplateFamily, readonly string[]>> = {
  llama3: ['<|eot_id|>', '<|eom_id|>', '<|end_of_text|>'],
  chatml: ['<|im_end|>', '<|endoftext|>'],
  other: [],
};

export interface StopFacts {
  family: TemplateFamily;
  /** The first token of what the template writes after an assistant turn, when it is a control token. */
  templateEndOfTurn: number | undefined;
  /** tokenizer.ggml.{eos,eot,eom}_token_id as the GGUF states them. */
  metadata: { eos?: number | undefined; eot?: number | undefined; eom?: number | undefined };
  /** The control token spelled exactly `text`, when the vocabulary has one. */
  controlTokenOf: (text: string) => number | undefined;
  textOf: (id: number) => string;
  /** Tokens llama.cpp treats as end of generation (its own rules, by id and by text). */
  endOfGenerationIds: readonly number[];
}

/**
 * The stop tokens of a model (pure): the template's end-of-turn, the family's rules (those the
 * vocabulary has), the GGUF's eos/eot/eom, and whatever else llama.cpp ends generation on, so a token
 * that ends the turn for any of them ends it here. Sorted by id; each names all of its sources.
 */
export function deriveStopTokens(facts: StopFacts): StopToken[] {
  const stops = new Map<number, StopToken>();
  const add = (id: number | undefined, source: StopSource) => {
    if (id === undefined || id < 0) return;
    const stop = stops.get(id) ?? { id, text: facts.textOf(id), sources: [] };
    if (!stop.sources.includes(source)) stop.sources.push(source);
    stops.set(id, stop);
  };
  add(facts.templateEndOfTurn, 'template end-of-turn');
  for (const text of FAMILY_STOPS[facts.family]) add(facts.controlTokenOf(text), 'family rule');
  add(facts.metadata.eos, 'gguf eos');
  add(facts.metadata.eot, 'gguf eot');
  add(facts.metadata.eom, 'gguf eom');
  for (const id of facts.endOfGenerationIds) add(id, 'llama.cpp end-of-generation');
  return [...stops.values()].sort((a, b) => a.id - b.id);
}

/** Stops that only llama.cpp's own rules found: the service's rules missed them (logged at load). */
export const onlyFromLlamaCpp = (stops: readonly StopToken[]) =>
  stops.filter((stop) => stop.sources.length === 1 && stop.sources[0] === 'llama.cpp end-of-generation');
