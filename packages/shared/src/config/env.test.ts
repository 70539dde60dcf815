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

describe('KAFKA_SESSION_TIMEOUT_MS and KAFKA_HEARTBEAT_INTERVAL_MS', () => {
  it('default to KafkaJS’s 30 s session and 3 s heartbeat, for every Kafka service', () => {
    const expected = { sessionTimeoutMs: 30_000, heartbeatIntervalMs: 3_000 };
    expect(loadConfig(GuardrailsConfig, {}).kafka.consumer).toEqual(expected);
    expect(loadConfig(FhirAdapterConfig, {}).kafka.consumer).toEqual(expected);
  });

  it('take an operator’s shorter session (a crashed member is replaced sooner) with a faster heartbeat', () => {
    const env = { KAFKA_SESSION_TIMEOUT_MS: '10000', KAFKA_HEARTBEAT_INTERVAL_MS: '1000' };
    const expected = { sessionTimeoutMs: 10_000, heartbeatIntervalMs: 1_000 };
    expect(loadConfig(GuardrailsConfig, env).kafka.consumer).toEqual(expected);
    expect(loadConfig(FhirAdapterConfig, env).kafka.consumer).toEqual(expected);
  });

  it('refuse a session outside 6 s–5 min, saying the bound', () => {
    expect(problemsOf({ KAFKA_SESSION_TIMEOUT_MS: '5999' })).toMatch(
      /^KAFKA_SESSION_TIMEOUT_MS: must be at least 6000/,
    );
    expect(problemsOf({ KAFKA_SESSION_TIMEOUT_MS: '300001' })).toMatch(
      /^KAFKA_SESSION_TIMEOUT_MS: must be at most 300000/,
    );
  });

  it('refuse a heartbeat of a third of the session or more (the default 3 s with a 6 s session too)', () => {
    expect(problemsOf({ KAFKA_SESSION_TIMEOUT_MS: '9000', KAFKA_HEARTBEAT_INTERVAL_MS: '3000' })).toMatch(
      /^KAFKA_HEARTBEAT_INTERVAL_MS: must be less than a third of KAFKA_SESSION_TIMEOUT_MS \(9000 ms\)/,
    );
    expect(problemsOf({ KAFKA_SESSION_TIMEOUT_MS: '6000' })).toMatch(/^KAFKA_HEARTBEAT_INTERVAL_MS: /);
    expect(() =>
      loadConfig(FhirAdapterConfig, {
        KAFKA_SESSION_TIMEOUT_MS: '9001',
        KAFKA_HEARTBEAT_INTERVAL_MS: '3000',
      }),
    ).not.toThrow();
  });
});
