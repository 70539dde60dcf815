import { AppError, ErrorCode } from '@aloe/shared/errors';
import { ALOE_SYSTEM_PROMPT } from '@aloe/shared/grpc';
import {
  type ChatHistoryItem,
  type ChatWrapper,
  LlamaChatSession,
  type LlamaContextSequence,
} from 'node-llama-cpp';
import type { JsonGrammar } from './grammar-cache.js';
import type { ChatTurn, GenerateOptions, Generation, Generator, StopReason } from './types.js';

export interface SequenceGeneratorOptions {
  sequence: LlamaContextSequence;
  chatWrapper: ChatWrapper;
  grammar: JsonGrammar | undefined;
  maxTokens: number;
  /** Aborts generation within about one token; the abort reason is thrown. */
  signal: AbortSignal;
  /** Called with each batch of generated tokens (metrics: time to first token, tokens/s). */
  onTokens?: (count: number) => void;
}

/** The turns with Aloe's own system prompt first unless the caller sent a system message (research/aloe.md §2.1). */
export function withAloeSystemPrompt(turns: readonly ChatTurn[]): ChatTurn[] {
  return turns.some((turn) => turn.role === 'system')
    ? [...turns]
    : [{ role: 'system', content: ALOE_SYSTEM_PROMPT }, ...turns];
}

/**
 * A Generator bound to one context sequence. Each call runs a fresh chat session on the sequence (the
 * sequence keeps its evaluated tokens, so a prompt prefix shared with the previous call is not
 * evaluated again). Grammar-constrained output cut by maxTokens is an OUTPUT_TRUNCATED error, never
 * partial JSON; parsed output is validated against the schema before it is returned.
 */
export function createSequenceGenerator(options: SequenceGeneratorOptions): Generator {
  return async (turns: ChatTurn[], generateOptions: GenerateOptions): Promise<Generation> => {
    options.signal.throwIfAborted();
    const all = withAloeSystemPrompt(turns);
    const last = all.at(-1);
    if (last?.role !== 'user')
      throw new AppError(ErrorCode.InvalidInput, 'messages: the last message must be from the user');
    const session = new LlamaChatSession({
      contextSequence: options.sequence,
      chatWrapper: options.chatWrapper,
      autoDisposeSequence: false,
    });
    const meter = options.sequence.tokenMeter;
    const inputBefore = meter.usedInputTokens;
    let completionTokens = 0;
    try {
      session.setChatHistory(all.slice(0, -1).map(toHistoryItem));
      const { sampling } = generateOptions;
      const result = await session.promptWithMeta(last.content, {
        grammar: options.grammar,
        maxTokens: options.maxTokens,
        temperature: sampling.temperature,
        topP: sampling.topP,
        topK: sampling.topK,
        seed: sampling.seed,
        repeatPenalty: sampling.repeatPenalty ? { penalty: sampling.repeatPenalty } : undefined,
        signal: options.signal,
        stopOnAbortSignal: true,
        onTextChunk: generateOptions.onTextChunk,
        onToken: (tokens) => {
          completionTokens += tokens.length;
          options.onTokens?.(tokens.length);
        },
      });
      if (result.stopReason === 'abort') throw options.signal.reason;
      const stopReason: StopReason = result.stopReason === 'maxTokens' ? 'maxTokens' : 'eog';
      let json: unknown;
      if (options.grammar) {
        if (stopReason === 'maxTokens') {
          throw new AppError(
            ErrorCode.OutputTruncated,
            `The JSON output reached max_tokens (${options.maxTokens}) before it was complete; raise max_tokens or tighten the schema`,
            { retriable: false, details: { maxTokens: options.maxTokens } },
          );
        }
        json = parseAndValidate(options.grammar, result.responseText);
      }
      return {
        text: result.responseText,
        json,
        stopReason,
        promptTokens: meter.usedInputTokens - inputBefore,
        completionTokens,
      };
    } finally {
      session.dispose({ disposeSequence: false });
    }
  };
}

function toHistoryItem(turn: ChatTurn): ChatHistoryItem {
  if (turn.role === 'system') return { type: 'system', text: turn.content };
  if (turn.role === 'user') return { type: 'user', text: turn.content };
  return { type: 'model', response: [turn.content] };
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
  // The grammar's number rule allows exponents (94e676) that JSON.parse turns into Infinity (FIELD-NOTES).
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
