import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '../errors/app-error.js';
import { MAX_AGE_YEARS, MAX_CONTEXT_ITEMS } from '../schemas/patient-context.js';
import { FhirAdapterConfig } from './fhir-adapter.js';
import { loadConfig, maskSecrets } from './load-config.js';

function problemsOf(env: Record<string, string>): string {
  try {
    loadConfig(FhirAdapterConfig, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.join('\n');
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('the FHIR AuditEvent settings', () => {
  it('default to the EHR itself, with its auth, 100 events a transaction, a second of linger and backoff up to 30 s', () => {
    expect(
      loadConfig(FhirAdapterConfig, { FHIR_ADAPTER_FHIR_BASE_URL: 'https://ehr.example/fhir/R4' }).auditFhir,
    ).toEqual({
      enabled: true,
      baseUrl: 'https://ehr.example/fhir/R4',
      auth: 'ehr',
      bearerToken: undefined,
      batch: { maxEvents: 100, lingerMs: 1_000, minBytes: 65_536 },
      retry: { maxAttempts: 8, initialDelayMs: 500, maxDelayMs: 30_000 },
    });
  });

  it('send to an audit repository of its own, with its own token (masked in the logged config)', () => {
    const config = loadConfig(FhirAdapterConfig, {
      FHIR_ADAPTER_AUDIT_FHIR_URL: 'https://audit.example/fhir',
      FHIR_ADAPTER_AUDIT_FHIR_AUTH: 'bearer',
      FHIR_ADAPTER_AUDIT_FHIR_BEARER_TOKEN: 'audit-secret',
      FHIR_ADAPTER_AUDIT_BATCH_MAX_EVENTS: '20',
      FHIR_ADAPTER_AUDIT_BATCH_LINGER_MS: '0',
      FHIR_ADAPTER_AUDIT_RETRY_MAX_ATTEMPTS: '3',
    });
    expect(config.auditFhir).toMatchObject({
      baseUrl: 'https://audit.example/fhir',
      auth: 'bearer',
      batch: { maxEvents: 20, lingerMs: 0 },
      retry: { maxAttempts: 3 },
    });
    expect(JSON.stringify(maskSecrets(config))).not.toContain('audit-secret');
    expect(
      loadConfig(FhirAdapterConfig, { FHIR_ADAPTER_AUDIT_FHIR_ENABLED: 'false' }).auditFhir.enabled,
    ).toBe(false);
  });

  it('refuse what cannot work, naming each variable', () => {
    const problems = problemsOf({
      FHIR_ADAPTER_AUDIT_FHIR_URL: 'ftp://audit.example/fhir',
      FHIR_ADAPTER_AUDIT_FHIR_AUTH: 'bearer',
      FHIR_ADAPTER_AUDIT_BATCH_MAX_EVENTS: '0',
      FHIR_ADAPTER_AUDIT_BATCH_LINGER_MS: '120000',
      FHIR_ADAPTER_AUDIT_RETRY_MAX_DELAY_MS: '10',
    });
    expect(problems).toMatch(
      /^FHIR_ADAPTER_AUDIT_FHIR_URL: must be an http:\/\/ or https:\/\/ FHIR base URL/m,
    );
    expect(problems).toMatch(
      /^FHIR_ADAPTER_AUDIT_FHIR_BEARER_TOKEN: is required when FHIR_ADAPTER_AUDIT_FHIR_AUTH=bearer/m,
    );
    expect(problems).toMatch(/^FHIR_ADAPTER_AUDIT_BATCH_MAX_EVENTS: .*\(got "0"\)$/m);
    expect(problems).toMatch(/^FHIR_ADAPTER_AUDIT_BATCH_LINGER_MS: .*\(got "120000"\)$/m);
    expect(problems).toMatch(/^FHIR_ADAPTER_AUDIT_RETRY_MAX_DELAY_MS: .*\(got "10"\)$/m);
    expect(problemsOf({ FHIR_ADAPTER_AUDIT_FHIR_AUTH: 'smart' })).toMatch(
      /^FHIR_ADAPTER_AUDIT_FHIR_AUTH: must be one of: ehr, none, bearer/m,
    );
  });
});

describe('the context windows and limits', () => {
  it('refuse a limit or window the context schema cannot carry, naming the bound', () => {
    const problems = problemsOf({
      FHIR_ADAPTER_OBSERVATION_LIMIT: String(MAX_CONTEXT_ITEMS),
      FHIR_ADAPTER_OBSERVATION_WINDOW_DAYS: String(MAX_AGE_YEARS * 365 + 1),
    });
    expect(problems).toMatch(
      new RegExp(
        `^FHIR_ADAPTER_OBSERVATION_LIMIT: must be at most ${MAX_CONTEXT_ITEMS / 2} \\(got "${MAX_CONTEXT_ITEMS}"\\)$`,
        'm',
      ),
    );
    expect(problems).toMatch(
      new RegExp(
        `^FHIR_ADAPTER_OBSERVATION_WINDOW_DAYS: must be at most ${MAX_AGE_YEARS * 365} \\(got "${MAX_AGE_YEARS * 365 + 1}"\\)$`,
        'm',
      ),
    );
  });

  it('take the largest values the schema allows', () => {
    const config = loadConfig(FhirAdapterConfig, {
      FHIR_ADAPTER_OBSERVATION_LIMIT: String(MAX_CONTEXT_ITEMS / 2),
      FHIR_ADAPTER_OBSERVATION_WINDOW_DAYS: String(MAX_AGE_YEARS * 365),
    });
    expect(config.context).toEqual({
      observationLimit: MAX_CONTEXT_ITEMS / 2,
      observationWindowDays: MAX_AGE_YEARS * 365,
    });
  });
});

describe('the metrics address', () => {
  it('is this host only by default, any interface when set to 0.0.0.0, and refused when not an address', () => {
    expect(loadConfig(FhirAdapterConfig, {}).metrics).toEqual({ host: '127.0.0.1', port: 9466 });
    expect(loadConfig(FhirAdapterConfig, { FHIR_ADAPTER_METRICS_HOST: '0.0.0.0' }).metrics.host).toBe(
      '0.0.0.0',
    );
    expect(problemsOf({ FHIR_ADAPTER_METRICS_HOST: 'http://0.0.0.0' })).toBe(
      'FHIR_ADAPTER_METRICS_HOST: must be an IP address or a host name (0.0.0.0: every interface) (got "http://0.0.0.0")',
    );
  });
});
