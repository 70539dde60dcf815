import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '../errors/app-error.js';
import { DEFAULT_MAX_MESSAGE_BYTES } from '../kafka/message-size.js';
import { FhirAdapterConfig } from './fhir-adapter.js';
import { GuardrailsConfig } from './guardrails.js';
import { loadConfig } from './load-config.js';

function problemsOf(env: Record<string, string>): string {
  try {
    loadConfig(GuardrailsConfig, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.join('\n');
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('KAFKA_MAX_MESSAGE_BYTES', () => {
  it('defaults to 1 MiB, the same number the broker of infra/kafka is given, for every Kafka service', () => {
    expect(DEFAULT_MAX_MESSAGE_BYTES).toBe(1_048_576);
    expect(loadConfig(GuardrailsConfig, {}).kafka.maxMessageBytes).toBe(DEFAULT_MAX_MESSAGE_BYTES);
    expect(loadConfig(FhirAdapterConfig, {}).kafka.maxMessageBytes).toBe(DEFAULT_MAX_MESSAGE_BYTES);
  });

  it('takes a larger limit, and refuses one outside 64 KiB to 100 MiB with the bound', () => {
    expect(loadConfig(GuardrailsConfig, { KAFKA_MAX_MESSAGE_BYTES: '5242880' }).kafka.maxMessageBytes).toBe(
      5_242_880,
    );
    expect(problemsOf({ KAFKA_MAX_MESSAGE_BYTES: '1000' })).toMatch(
      /^KAFKA_MAX_MESSAGE_BYTES: must be at least 65536/,
    );
    expect(problemsOf({ KAFKA_MAX_MESSAGE_BYTES: '200000000' })).toMatch(
      /^KAFKA_MAX_MESSAGE_BYTES: must be at most 104857600/,
    );
    expect(problemsOf({ KAFKA_MAX_MESSAGE_BYTES: '1MB' })).toMatch(
      /^KAFKA_MAX_MESSAGE_BYTES: must be a whole number/,
    );
  });
});
