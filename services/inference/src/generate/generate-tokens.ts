import { InvalidInputError } from '@aloe/shared/errors';
import {
  type LlamaContextSequence,
  type LlamaGrammar,
  LlamaGrammarEvaluationState,
  type Token,
} from 'node-llama-cpp';
import type { SamplingOptions, StopReason } from './types.js';

export interface TokenGenerationOptions {
  sequence: LlamaContextSequence;
  /** The whole prompt; a prefix the sequence already holds is not evaluated again. */
  prompt: readonly Token[];
  /** The only tokens that end generation (the service's stop rules, derived at load). */
  stops: ReadonlySet<number>;
  grammar?: LlamaGrammar | undefined;
  maxTokens: number;
  sampling: SamplingOptions;
  /** Aborts within about one token; the abort reason is thrown. */
  signal: AbortSignal;
  onTextChunk?: ((text: string) => void) | undefined;
  onTokens?: ((count: number) => void) | undefined;
}

export interface TokenGeneration {
  text: string;
  tokens: Token[];
  stopReason: Exclude<StopReason, 'aborted'>;
  /** The stop token that ended generation; undefined when max_tokens or the JSON grammar did. */
  stopToken: Token | undefined;
}

// node-llama-cpp's JSON grammars end runaway trailing whitespace with this trigger (LlamaJsonSchemaGrammar).
const GRAMMAR_END = '\n\n\n\n';
const REPLACEMENT = '\uFFFD';

/**
 * Generates on one context sequence until one of `stops` is sampled, max_tokens is reached or the
 * context is full. The stop decision is the service's: a token ends the turn only if it is in `stops`
 * (llama.cpp's own end-of-generation set is not consulted here). The prompt must fit the context with
 * room for one token: the model never sees a truncated or shifted prompt.
 */
export async function generateTokens(options: TokenGenerationOptions): Promise<TokenGeneration> {
  const { sequence, prompt, signal } = options;
  const model = sequence.model;
  const contextSize = sequence.context.contextSize;
  signal.throwIfAborted();
  if (prompt.length === 0) throw new InvalidInputError('messages: the rendered prompt is empty');
  if (prompt.length >= contextSize)
    throw new InvalidInputError(
      `messages: the rendered prompt is ${prompt.length} tokens; this model's context holds ${contextSize} per sequence`,
      { details: { promptTokens: prompt.length, contextTokens: contextSize } },
    );
  const budget = Math.min(options.maxTokens, contextSize - prompt.length);

  // Keep the prefix the sequence already evaluated (samples of one request share their prompt).
  await sequence.adaptStateToTokens(prompt.slice(0, -1), false);
  const toEvaluate = prompt.slice(Math.min(sequence.nextTokenIndex, prompt.length - 1));

  const generated: Token[] = [];
  let pending: Token[] = [];
  let sent = '';
  let unsent = '';
  let stopToken: Token | undefined;
  let stopReason: TokenGeneration['stopReason'] = 'maxTokens';
  const trimsWhitespace = options.grammar?.trimWhitespaceSuffix ?? false;
  const emit = (text: string) => {
    unsent += text;
    // A grammar's output is trimmed at the end: hold trailing whitespace until text follows it.
    const ready = trimsWhitespace ? unsent.trimEnd() : unsent;
    if (ready) {
      sent += ready;
      options.onTextChunk?.(ready);
      unsent = unsent.slice(ready.length);
    }
  };
  const { sampling } = options;
  const iterator = sequence.evaluate(toEvaluate as Token[], {
    temperature: sampling.temperature,
    topK: sampling.topK,
    topP: sampling.topP,
    seed: sampling.seed,
    repeatPenalty: sampling.repeatPenalty
      ? { punishTokens: () => generated.slice(-64), penalty: sampling.repeatPenalty }
      : undefined,
    grammarEvaluationState: options.grammar
      ? new LlamaGrammarEvaluationState({ model, grammar: options.grammar })
      : undefined,
    yieldEogToken: true,
  });
  for await (const token of iterator) {
    if (signal.aborted) break;
    if (options.stops.has(token)) {
      stopToken = token;
      stopReason = 'eog';
      break;
    }
    generated.push(token);
    options.onTokens?.(1);
    pending.push(token);
    const piece = model.detokenize(pending, false, generated.slice(0, -pending.length).slice(-4));
    // A multi-byte character split over tokens waits for its last byte (at most 4).
    if (!piece.endsWith(REPLACEMENT) || pending.length >= 4) {
      emit(piece);
      pending = [];
    }
    if (options.grammar && (sent + unsent).endsWith(GRAMMAR_END)) {
      stopReason = 'eog';
      break;
    }
    if (generated.length >= budget) break;
  }
  signal.throwIfAborted();
  if (pending.length > 0)
    emit(model.detokenize(pending, false, generated.slice(0, -pending.length).slice(-4)));
  return { text: sent, tokens: generated, stopReason, stopToken };
}
