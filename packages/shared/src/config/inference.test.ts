import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '../errors/app-error.js';
import {
  INFERENCE_MAX_MESSAGE_BYTES,
  INFERENCE_MAX_PROMPT_BYTES_LIMIT,
  InferenceConfig,
} from './inference.js';
import { loadConfig } from './load-config.js';

function problemsOf(env: Record<string, string>): string {
  try {
    loadConfig(InferenceConfig, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.join('\n');
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('the request text bound (INFERENCE_MAX_PROMPT_BYTES)', () => {
  it('is unset by default: the service derives it from the loaded model context', () => {
    expect(loadConfig(InferenceConfig, {}).limits).toEqual({ maxPromptBytes: undefined });
  });

  it('takes a number of bytes', () => {
    expect(loadConfig(InferenceConfig, { INFERENCE_MAX_PROMPT_BYTES: '262144' }).limits.maxPromptBytes).toBe(
      262_144,
    );
  });

  it('stays under the gRPC message limit, so the bound and not grpc-js refuses an oversized text', () => {
    expect(INFERENCE_MAX_PROMPT_BYTES_LIMIT).toBeLessThan(INFERENCE_MAX_MESSAGE_BYTES);
    expect(problemsOf({ INFERENCE_MAX_PROMPT_BYTES: String(INFERENCE_MAX_MESSAGE_BYTES) })).toBe(
      `INFERENCE_MAX_PROMPT_BYTES: must be at most ${INFERENCE_MAX_PROMPT_BYTES_LIMIT} (got "${INFERENCE_MAX_MESSAGE_BYTES}")`,
    );
    expect(problemsOf({ INFERENCE_MAX_PROMPT_BYTES: '100' })).toBe(
      'INFERENCE_MAX_PROMPT_BYTES: must be at least 1024 (got "100")',
    );
  });
});
