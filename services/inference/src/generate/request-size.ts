import { InvalidInputError } from '@aloe/shared/errors';
import type { InferenceRequest } from './types.js';

/**
 * Text bytes a request may carry per token of context, when INFERENCE_MAX_PROMPT_BYTES is unset. Real
 * tokenizers average 3-5 bytes of clinical English per token: 8 refuses only text that could never fit,
 * and bounds what is ever tokenized.
 */
export const PROMPT_BYTES_PER_CONTEXT_TOKEN = 8;

export interface RequestLimits {
  /** UTF-8 bytes of text one request may carry. */
  maxPromptBytes: number;
  /** Tokens one sequence holds: the prompt and max_tokens together. */
  contextTokens: number;
}

/** The limits for a model: the configured byte bound, or one derived from its context. */
export function requestLimitsFor(contextTokens: number, maxPromptBytes?: number): RequestLimits {
  return {
    maxPromptBytes: maxPromptBytes ?? contextTokens * PROMPT_BYTES_PER_CONTEXT_TOKEN,
    contextTokens,
  };
}

/** UTF-8 bytes of the text a request's prompts are made of: its messages and its multiple-choice question. */
export function requestTextBytes(request: InferenceRequest): number {
  let bytes = 0;
  for (const message of request.messages) bytes += Buffer.byteLength(message.content, 'utf8');
  if (request.multipleChoice) {
    bytes += Buffer.byteLength(request.multipleChoice.question, 'utf8');
    for (const option of request.multipleChoice.options) bytes += Buffer.byteLength(option.text, 'utf8');
  }
  return bytes;
}

const count = (n: number) => n.toLocaleString('en-US');

/** Refuses a request whose text alone is over the byte bound: nothing of it is rendered or tokenized. */
export function checkRequestBytes(request: InferenceRequest, limits: RequestLimits): void {
  const bytes = requestTextBytes(request);
  if (bytes > limits.maxPromptBytes)
    throw new InvalidInputError(
      `messages: the request carries ${count(bytes)} bytes of text; at most ${count(limits.maxPromptBytes)} bytes are accepted (this model's context holds ${count(limits.contextTokens)} tokens)`,
      {
        details: {
          textBytes: bytes,
          maxTextBytes: limits.maxPromptBytes,
          contextTokens: limits.contextTokens,
        },
      },
    );
}

/**
 * Refuses a prompt that leaves less than max_tokens of the context: a request that does not fit is
 * refused, never shortened or shifted.
 */
export function checkTokenBudget(promptTokens: number, maxTokens: number, contextTokens: number): void {
  const details = { promptTokens, maxTokens, contextTokens };
  if (maxTokens >= contextTokens)
    throw new InvalidInputError(
      `max_tokens: ${count(maxTokens)} leaves no room for a prompt; this model's context holds ${count(contextTokens)} tokens per sequence`,
      { details },
    );
  if (promptTokens + maxTokens > contextTokens)
    throw new InvalidInputError(
      `messages: the rendered prompt is ${count(promptTokens)} tokens and max_tokens is ${count(maxTokens)}; this model's context holds ${count(contextTokens)} tokens per sequence, so with this max_tokens the prompt may be at most ${count(contextTokens - maxTokens)} tokens`,
      { details },
    );
}
