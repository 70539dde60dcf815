import { randomUUID } from 'node:crypto';
import { canonicalJson } from '@aloe/shared/canonical';
import { InvalidInputError } from '@aloe/shared/errors';
import type { GenerateRequest__Output } from '@aloe/shared/grpc';
import { z } from 'zod';
import type { InferenceRequest, StrategyName } from '../generate/types.js';
import { checkJsonSchema } from './check-json-schema.js';

export interface RequestDefaults {
  maxTokens: number;
  samples: number;
}

const MAX_CONTENT_CHARS = 200_000;
const roles = { ROLE_SYSTEM: 'system', ROLE_USER: 'user', ROLE_ASSISTANT: 'assistant' } as const;

const Sampling = z
  .object({
    temperature: z.number().min(0).max(2).nullish(),
    topP: z.number().gt(0).max(1).nullish(),
    topK: z.number().int().min(0).max(1_000).nullish(),
    repeatPenalty: z.number().min(0).max(5).nullish(),
    seed: z.number().int().min(0).nullish(),
  })
  .nullable();

const Request = z.object({
  requestId: z.string().max(100),
  messages: z
    .array(
      z.object({
        role: z.enum(['ROLE_SYSTEM', 'ROLE_USER', 'ROLE_ASSISTANT'], {
          message: 'must be ROLE_SYSTEM, ROLE_USER or ROLE_ASSISTANT',
        }),
        content: z.string().max(MAX_CONTENT_CHARS, `must be at most ${MAX_CONTENT_CHARS} characters`),
      }),
    )
    .max(500),
  sampling: Sampling,
  maxTokens: z.number().int().min(0).max(32_768),
  jsonSchema: z.string().max(100_000),
  strategy: z.enum([
    'STRATEGY_UNSPECIFIED',
    'STRATEGY_DIRECT',
    'STRATEGY_CHAIN_OF_THOUGHT',
    'STRATEGY_SELF_CONSISTENCY',
    'STRATEGY_CHOICE_SHUFFLE_ENSEMBLE',
  ]),
  samples: z.number().int().min(0).max(64),
  multipleChoice: z
    .object({
      question: z.string().min(1, 'must not be empty').max(MAX_CONTENT_CHARS),
      options: z
        .array(z.object({ key: z.string().min(1).max(20), text: z.string().min(1).max(5_000) }))
        .min(2, 'needs at least 2 options')
        .max(26, 'allows at most 26 options'),
    })
    .nullable(),
});

/** Validates a GenerateRequest and fills defaults; every problem is named by its field (INVALID_ARGUMENT). */
export function parseGenerateRequest(
  raw: GenerateRequest__Output,
  defaults: RequestDefaults,
): InferenceRequest {
  const parsed = Request.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${fieldPath(issue.path)}: ${issue.message}`);
    throw new InvalidInputError(problems.join('; '));
  }
  const request = parsed.data;
  const strategy = (
    request.strategy === 'STRATEGY_UNSPECIFIED' ? 'DIRECT' : request.strategy.replace('STRATEGY_', '')
  ) as StrategyName;
  const messages = request.messages.map((message) => ({
    role: roles[message.role],
    content: message.content,
  }));

  if (request.multipleChoice) {
    const keys = request.multipleChoice.options.map((option) => option.key.toUpperCase());
    if (new Set(keys).size !== keys.length)
      throw new InvalidInputError('multiple_choice.options: keys must be distinct');
    // The question becomes the last user turn: messages hold only what comes before it.
    if (messages.at(-1)?.role === 'user')
      throw new InvalidInputError(
        'messages: with multiple_choice the question is the last user turn, so messages must not end with ROLE_USER (send only the context: system turns and worked examples as ROLE_USER/ROLE_ASSISTANT pairs)',
      );
  } else if (strategy === 'CHOICE_SHUFFLE_ENSEMBLE') {
    throw new InvalidInputError('multiple_choice: required by STRATEGY_CHOICE_SHUFFLE_ENSEMBLE');
  } else {
    if (messages.length === 0) throw new InvalidInputError('messages: at least one message is required');
    if (messages.at(-1)?.role !== 'user')
      throw new InvalidInputError('messages: the last message must have ROLE_USER');
  }

  let jsonSchema: InferenceRequest['jsonSchema'];
  if (request.jsonSchema.trim() !== '') {
    let schema: unknown;
    try {
      schema = JSON.parse(request.jsonSchema);
    } catch (error) {
      throw new InvalidInputError(`json_schema: not valid JSON (${(error as Error).message})`);
    }
    if (!schema || typeof schema !== 'object' || Array.isArray(schema)) {
      throw new InvalidInputError('json_schema: must be a JSON object (a JSON Schema)');
    }
    checkJsonSchema(schema);
    jsonSchema = { schema, text: canonicalJson(schema) };
  }

  const sampling = request.sampling ?? {};
  return {
    requestId: request.requestId || randomUUID(),
    messages,
    sampling: {
      temperature: sampling.temperature ?? undefined,
      topP: sampling.topP ?? undefined,
      topK: sampling.topK ?? undefined,
      repeatPenalty: sampling.repeatPenalty ?? undefined,
      seed: sampling.seed ?? undefined,
    },
    maxTokens: request.maxTokens || defaults.maxTokens,
    jsonSchema,
    strategy,
    samples:
      strategy === 'SELF_CONSISTENCY' || strategy === 'CHOICE_SHUFFLE_ENSEMBLE'
        ? request.samples || defaults.samples
        : 1,
    multipleChoice: request.multipleChoice ?? undefined,
  };
}

/** `messages[1].role` → `messages[1].role`, in the proto's snake_case. */
function fieldPath(path: readonly PropertyKey[]): string {
  return path
    .map((part, index) =>
      typeof part === 'number'
        ? `[${part}]`
        : `${index === 0 ? '' : '.'}${String(part).replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`,
    )
    .join('');
}
