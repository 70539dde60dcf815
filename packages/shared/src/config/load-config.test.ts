import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '../errors/app-error.js';
import { FhirAdapterConfig } from './fhir-adapter.js';
import { GuardrailsConfig } from './guardrails.js';
import { InferenceConfig } from './inference.js';
import { loadConfig, maskSecrets } from './load-config.js';

function problemsOf(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('gives every service a working configuration from an empty environment (the embedded demo)', () => {
    const inference = loadConfig(InferenceConfig, {});
    expect(inference.grpc).toEqual({ host: '127.0.0.1', port: 50051 });
    expect(inference.model.source).toBeUndefined();
    const guardrails = loadConfig(GuardrailsConfig, {});
    expect(guardrails.kafka.brokers).toEqual(['127.0.0.1:9092']);
    expect(guardrails.audit.databaseUrl).toBe('pglite:.data/audit');
    const adapter = loadConfig(FhirAdapterConfig, {});
    expect(adapter.fhir.auth).toBe('none');
    expect(adapter.cds.allowUnauthenticated).toBe(false);
  });

  it('parses numbers, booleans and lists from strings, and treats empty values as unset', () => {
    const config = loadConfig(GuardrailsConfig, {
      KAFKA_BROKERS: 'b1:9092, b2:9092',
      KAFKA_SSL: 'true',
      GUARDRAILS_HTTP_PORT: '9000',
      GUARDRAILS_INFERENCE_DEADLINE_MS: '',
    });
    expect(config.kafka.brokers).toEqual(['b1:9092', 'b2:9092']);
    expect(config.kafka.ssl).toBe(true);
    expect(config.http.port).toBe(9000);
    expect(config.inference.deadlineMs).toBe(120_000);
  });

  it('namespaces topics with KAFKA_TOPIC_PREFIX and refuses characters Kafka does not allow', () => {
    expect(loadConfig(GuardrailsConfig, {}).kafka.topicPrefix).toBe('');
    expect(loadConfig(GuardrailsConfig, { KAFKA_TOPIC_PREFIX: 'staging.' }).kafka.topicPrefix).toBe(
      'staging.',
    );
    expect(
      problemsOf(() => loadConfig(GuardrailsConfig, { KAFKA_TOPIC_PREFIX: 'my topics/' })).join('\n'),
    ).toMatch(/^KAFKA_TOPIC_PREFIX: may hold only letters, digits, dots, underscores and hyphens/m);
  });

  it('masks the credentials in URLs before the configuration is logged', () => {
    expect(maskSecrets({ cardStore: { url: 'rediss://aloe:s3cret@redis.internal:6380/0' } })).toEqual({
      cardStore: { url: 'rediss://***@redis.internal:6380/0' },
    });
    expect(maskSecrets({ url: 'redis://redis.internal:6379' })).toEqual({
      url: 'redis://redis.internal:6379',
    });
  });

  it('accepts only redis:// or rediss:// for the shared card store', () => {
    expect(loadConfig(FhirAdapterConfig, {}).cardStore).toEqual({
      url: undefined,
      ttlSeconds: 72 * 3_600,
      keyPrefix: 'aloe:cards:',
    });
    expect(
      problemsOf(() =>
        loadConfig(FhirAdapterConfig, { FHIR_ADAPTER_CARD_STORE_URL: 'http://redis:6379' }),
      ).join('\n'),
    ).toMatch(/^FHIR_ADAPTER_CARD_STORE_URL: must be a redis:\/\/ or rediss:\/\/ URL/m);
  });

  it('gives the harm rail one onnxruntime thread unless told otherwise, and refuses zero', () => {
    expect(loadConfig(GuardrailsConfig, {}).harmModelThreads).toBe(1);
    expect(loadConfig(GuardrailsConfig, { GUARDRAILS_HARM_MODEL_THREADS: '2' }).harmModelThreads).toBe(2);
    expect(
      problemsOf(() => loadConfig(GuardrailsConfig, { GUARDRAILS_HARM_MODEL_THREADS: '0' })).join('\n'),
    ).toMatch(/^GUARDRAILS_HARM_MODEL_THREADS: .*\(got "0"\)$/m);
  });

  it('reasons first for the medication review unless told otherwise, and names a wrong strategy', () => {
    expect(loadConfig(GuardrailsConfig, {}).review.strategies).toEqual({
      'medication-safety': 'chain-of-thought',
      'care-gaps': 'direct',
      summary: 'direct',
    });
    expect(
      loadConfig(GuardrailsConfig, { GUARDRAILS_STRATEGIES: 'medication-safety=self-consistency' }).review
        .strategies['medication-safety'],
    ).toBe('self-consistency');
    expect(
      problemsOf(() => loadConfig(GuardrailsConfig, { GUARDRAILS_STRATEGIES: 'summary=best-of-3' })).join(
        '\n',
      ),
    ).toMatch(/^GUARDRAILS_STRATEGIES: "summary=best-of-3": expected task=strategy/m);
  });

  it('ends sidebar sessions after an idle hour and 12 hours at most unless told otherwise', () => {
    expect(loadConfig(FhirAdapterConfig, {}).sidebarSession).toEqual({
      idleMs: 60 * 60_000,
      maxMs: 12 * 3_600_000,
    });
    expect(
      loadConfig(FhirAdapterConfig, {
        FHIR_ADAPTER_SIDEBAR_SESSION_IDLE_MINUTES: '15',
        FHIR_ADAPTER_SIDEBAR_SESSION_MAX_HOURS: '8',
      }).sidebarSession,
    ).toEqual({ idleMs: 15 * 60_000, maxMs: 8 * 3_600_000 });
    expect(
      problemsOf(() => loadConfig(FhirAdapterConfig, { FHIR_ADAPTER_SIDEBAR_SESSION_MAX_HOURS: '48' })).join(
        '\n',
      ),
    ).toMatch(/^FHIR_ADAPTER_SIDEBAR_SESSION_MAX_HOURS: .*\(got "48"\)$/m);
  });

  it('reports every bad variable at once, by name', () => {
    const problems = problemsOf(() =>
      loadConfig(InferenceConfig, {
        INFERENCE_GRPC_PORT: 'eighty',
        INFERENCE_PARALLEL_SEQUENCES: '0',
        INFERENCE_GPU: 'tpu',
        INFERENCE_LOG_PROMPTS: 'maybe',
      }),
    );
    expect(problems).toHaveLength(4);
    expect(problems.join('\n')).toMatch(/^INFERENCE_GRPC_PORT: must be a whole number \(got "eighty"\)$/m);
    expect(problems.join('\n')).toMatch(/^INFERENCE_PARALLEL_SEQUENCES: .*\(got "0"\)$/m);
    expect(problems.join('\n')).toMatch(/^INFERENCE_GPU: must be one of: auto, cuda, vulkan, metal, cpu/m);
    expect(problems.join('\n')).toMatch(/^INFERENCE_LOG_PROMPTS: must be true or false/m);
  });

  it('refuses an observation limit a context could not carry (more than half its items)', () => {
    const problems = problemsOf(() =>
      loadConfig(FhirAdapterConfig, { FHIR_ADAPTER_OBSERVATION_LIMIT: '5000' }),
    );
    expect(problems).toEqual([
      expect.stringMatching(/^FHIR_ADAPTER_OBSERVATION_LIMIT: .*1000.*\(got "5000"\)$/),
    ]);
    expect(
      loadConfig(FhirAdapterConfig, { FHIR_ADAPTER_OBSERVATION_LIMIT: '1000' }).context.observationLimit,
    ).toBe(1_000);
  });

  it('refuses a public URL on this host whose port is not the HTTP port, and allows one behind a proxy', () => {
    const problems = problemsOf(() =>
      loadConfig(FhirAdapterConfig, {
        FHIR_ADAPTER_PUBLIC_URL: 'http://127.0.0.1:9999',
        FHIR_ADAPTER_HTTP_PORT: '8081',
      }),
    );
    expect(problems).toEqual([
      expect.stringMatching(/^FHIR_ADAPTER_PUBLIC_URL: is on this host but port 9999/),
    ]);
    expect(
      loadConfig(FhirAdapterConfig, {
        FHIR_ADAPTER_PUBLIC_URL: 'https://aloe.hospital.example',
        FHIR_ADAPTER_HTTP_PORT: '8081',
      }).publicUrl,
    ).toBe('https://aloe.hospital.example');
  });

  it('writes suggestions for deceased patients back only when told to, and checks CDS calls against the EHR it reads', () => {
    expect(loadConfig(GuardrailsConfig, {}).review.writeBackDeceased).toBe(false);
    expect(
      loadConfig(GuardrailsConfig, { GUARDRAILS_WRITE_BACK_DECEASED: 'true' }).review.writeBackDeceased,
    ).toBe(true);
    const adapter = loadConfig(FhirAdapterConfig, { FHIR_ADAPTER_FHIR_BASE_URL: 'https://ehr.example/fhir' });
    expect(adapter.cds.fhirServers).toEqual(['https://ehr.example/fhir']);
    expect(adapter.cds.tenants).toBeUndefined();
  });

  it('requires the SMART Backend Services settings when that auth is chosen, without echoing secrets', () => {
    const problems = problemsOf(() =>
      loadConfig(FhirAdapterConfig, {
        FHIR_ADAPTER_FHIR_AUTH: 'smart-backend',
        FHIR_ADAPTER_SMART_CLIENT_ID: 'aloe',
      }),
    );
    expect(problems.map((problem) => problem.split(':')[0]).sort()).toEqual([
      'FHIR_ADAPTER_SMART_KEY_ID',
      'FHIR_ADAPTER_SMART_PRIVATE_KEY',
      'FHIR_ADAPTER_SMART_TOKEN_URL',
    ]);
    const short = problemsOf(() => loadConfig(FhirAdapterConfig, { FHIR_ADAPTER_PSEUDONYM_KEY: 'hunter2' }));
    expect(short).toEqual([
      'FHIR_ADAPTER_PSEUDONYM_KEY: must be at least 32 characters (got a value (hidden))',
    ]);
  });

  it('asks for all of the Kafka SASL settings or none', () => {
    const problems = problemsOf(() => loadConfig(GuardrailsConfig, { KAFKA_SASL_USERNAME: 'svc' }));
    expect(problems.map((problem) => problem.split(':')[0]).sort()).toEqual([
      'KAFKA_SASL_MECHANISM',
      'KAFKA_SASL_PASSWORD',
    ]);
  });

  it('returns a frozen object', () => {
    const config = loadConfig(InferenceConfig, {});
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.runtime)).toBe(true);
  });
});

describe('maskSecrets', () => {
  it('hides secret values and keeps the rest for the start-up log', () => {
    const config = loadConfig(FhirAdapterConfig, {
      FHIR_ADAPTER_FHIR_AUTH: 'bearer',
      FHIR_ADAPTER_FHIR_BEARER_TOKEN: 'abc',
    });
    const masked = maskSecrets(config) as typeof config;
    expect(masked.fhir.bearerToken).toBe('***');
    expect(masked.pseudonymKey).toBe('***');
    expect(masked.fhir.baseUrl).toBe(config.fhir.baseUrl);
  });
});
