import { createHash } from 'node:crypto';
import { InvalidInputError } from '@aloe/shared/errors';
import type { Llama, LlamaGrammar } from 'node-llama-cpp';

/** A grammar that enforces a JSON schema and can parse (and validate) what it produced. */
export type JsonGrammar = LlamaGrammar & { parse(text: string): unknown };

/**
 * JSON-schema grammars, built once per distinct schema (keyed by the SHA-256 of its canonical text)
 * and kept for the most recent `capacity` schemas. A schema node-llama-cpp cannot turn into a grammar
 * is the caller's error (INVALID_ARGUMENT), named as such.
 */
export function createGrammarCache(llama: Llama, capacity = 200) {
  const grammars = new Map<string, Promise<JsonGrammar>>();
  return {
    get size() {
      return grammars.size;
    },
    get(schema: object, canonicalText: string): Promise<JsonGrammar> {
      const key = createHash('sha256').update(canonicalText).digest('hex');
      const cached = grammars.get(key);
      if (cached) grammars.delete(key); // refresh its place in the LRU order
      const grammar =
        cached ??
        Promise.resolve()
          .then(
            async () => (await llama.createGrammarForJsonSchema(schema as never)) as unknown as JsonGrammar,
          )
          .catch((error: unknown) => {
            grammars.delete(key);
            throw new InvalidInputError(
              `json_schema: not a schema this server can enforce: ${(error as Error).message}`,
              {
                cause: error,
              },
            );
          });
      if (!cached && grammars.size >= capacity) grammars.delete(grammars.keys().next().value as string);
      grammars.set(key, grammar);
      return grammar;
    },
  };
}
export type GrammarCache = ReturnType<typeof createGrammarCache>;
