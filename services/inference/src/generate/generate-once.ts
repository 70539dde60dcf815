import { AppError, ErrorCode } from '@aloe/shared/errors';
import { ALOE_SYSTEM_PROMPT } from '@aloe/shared/grpc';
import type { LlamaContextSequence } from 'node-llama-cpp';
import type { StopToken } from '../model/stop-tokens.js';
import { generateTokens } from './generate-tokens.js';
import type { JsonGrammar } from './grammar-cache.js';
import type { PromptRenderer } from './render-prompt.js';
import type { ChatTurn, GenerateOptions, Generation, Generator } from './types.js';

export interface SequenceGeneratorOptions {
  sequence: LlamaContextSequence;
  /** The request's prompt renderer (the model's own chat template, off-thread tokenization, its budget). */
  render: PromptRenderer;
  /** The service's stop tokens for this model, by id. */
  stops: ReadonlyMap<number, StopToken>;
  grammar: JsonGrammar | undefined;
  maxTokens: number;
  /** Aborts generation within about one token; the abort reason is thrown. */
  signal: AbortSignal;
  /** Called with each batch of generated tokens (metrics: time to first token, tokens/s). */
  onTokens?: (count: number) => void;
}

/**
 * The turns with Aloe's own system prompt first unless the caller sent a system message
 * (docs/research-notes.md#system-prompt).
 */
export function withAloeSystemPrompt(turns: readonly ChatTurn[]): ChatTurn[] {
  return turns.some((turn) => turn.role === 'system')
    ? [...turns]
    : [{ role: 'system', content: ALOE_SYSTEM_PROMPT }, ...turns];
}

/**
 * A Generator bound to one context sequence. Each call renders the turns with the model's own chat
 * template (the prompt it returns is exactly what the model saw), refuses a prompt that leaves less than
 * max_tokens of the context, generates until one of the model's stop tokens, and reuses the prompt
 * prefix the sequence already holds. Grammar-constrained output cut
 * by maxTokens is an OUTPUT_TRUNCATED error, never partial JSON; parsed output is validated against
 * the schema before it is returned.
 */
export function createSequenceGenerator(options: SequenceGeneratorOptions): Generator {
  const stopIds = new Set(options.stops.keys());
  return async (turns: ChatTurn[], generateOptions: GenerateOptions): Promise<Generation> => {
    options.signal.throwIfAborted();
    const all = withAloeSystemPrompt(turns);
    if (all.at(-1)?.role !== 'user')
      throw new AppError(ErrorCode.InvalidInput, 'messages: the last message must be from the user');
    const prompt = await options.render(all);
    const result = await generateTokens({
      sequence: options.sequence,
      prompt: prompt.tokens,
      stops: stopIds,
      grammar: options.grammar,
      maxTokens: options.maxTokens,
      sampling: generateOptions.sampling,
      signal: options.signal,
      onTextChunk: generateOptions.onTextChunk,
      onTokens: options.onTokens,
    });
    let json: unknown;
    if (options.grammar) {
      if (result.stopReason === 'maxTokens') {
        throw new AppError(
          ErrorCode.OutputTruncated,
          `The JSON output reached max_tokens (${options.maxTokens}) before it was complete; raise max_tokens or tighten the schema`,
          { retriable: false, details: { maxTokens: options.maxTokens } },
        );
      }
      json = parseAndValidate(options.grammar, result.text);
    }
    return {
      text: result.text,
      json,
      stopReason: result.stopReason,
      promptTokens: prompt.tokens.length,
      completionTokens: result.tokens.length,
      prompt,
      stopToken: result.stopToken === undefined ? undefined : options.stops.get(result.stopToken),
    };
  };
}

function parseAndValidate(grammar: JsonGrammar, text: string): unknown {
  let value: unknown;
  try {
    value = grammar.parse(text);
  } catch (error) {
    throw new AppError(
      ErrorCode.OutputInvalid,
      `The output does not match the JSON schema: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  // The grammar's number rule allows exponents (94e676) that JSON.parse turns into Infinity
  // (docs/decisions.md#json-grammar-numbers).
  if (!allFinite(value)) {
    throw new AppError(ErrorCode.OutputInvalid, 'The output holds a number too large to represent');
  }
  return value;
}

function allFinite(value: unknown): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(allFinite);
  if (value && typeof value === 'object') return Object.values(value).every(allFinite);
  return true;
}
