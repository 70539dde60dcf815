import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '../errors/app-error.js';
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

describe('the audit log settings', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();

  it('default to the embedded database, the development key and a checkpoint every five minutes', () => {
    expect(loadConfig(GuardrailsConfig, {}).audit).toEqual({
      databaseUrl: 'pglite:.data/audit',
      ownerDatabaseUrl: undefined,
      retentionDays: 2_192,
      signingPrivateKey: undefined,
      trustedPublicKeys: [],
      checkpointIntervalMs: 300_000,
    });
  });

  it('read the signing key as PEM (newlines real or written \\n) or base64 DER, and give it back as PEM', () => {
    const base64 = privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
    for (const given of [pem, pem.replaceAll('\n', '\\n'), base64])
      expect(
        loadConfig(GuardrailsConfig, { GUARDRAILS_AUDIT_SIGNING_KEY: given }).audit.signingPrivateKey,
      ).toBe(pem);
    const spki = publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
    expect(
      loadConfig(GuardrailsConfig, { GUARDRAILS_AUDIT_TRUSTED_PUBLIC_KEYS: `${spki}, ${spki}` }).audit
        .trustedPublicKeys,
    ).toEqual([
      publicKey.export({ format: 'pem', type: 'spki' }).toString(),
      expect.stringMatching(/^-----BEGIN PUBLIC KEY/),
    ]);
  });

  it('refuse a key that is not Ed25519, without echoing it', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({
      format: 'pem',
      type: 'pkcs8',
    });
    for (const given of [String(rsa), 'c2VjcmV0LWJ1dC1ub3QtYS1rZXk='])
      expect(problemsOf({ GUARDRAILS_AUDIT_SIGNING_KEY: given })).toBe(
        'GUARDRAILS_AUDIT_SIGNING_KEY: must be an Ed25519 private key: PEM, or the base64 of its DER (PKCS#8); e.g. openssl genpkey -algorithm ed25519 (got a value (hidden))',
      );
    expect(problemsOf({ GUARDRAILS_AUDIT_TRUSTED_PUBLIC_KEYS: pem.replace('PRIVATE', 'PUBLIC') })).toMatch(
      /^GUARDRAILS_AUDIT_TRUSTED_PUBLIC_KEYS\.0: must be an Ed25519 public key/,
    );
  });

  it('take an owner login only beside a PostgreSQL database (PGlite has one session and no logins)', () => {
    expect(problemsOf({ GUARDRAILS_AUDIT_OWNER_DATABASE_URL: 'postgres://owner@db.internal/audit' })).toBe(
      'GUARDRAILS_AUDIT_OWNER_DATABASE_URL: needs GUARDRAILS_AUDIT_DATABASE_URL to be PostgreSQL too (PGlite has one session and no logins) (got "postgres://owner@db.internal/audit")',
    );
    expect(
      loadConfig(GuardrailsConfig, {
        GUARDRAILS_AUDIT_DATABASE_URL: 'postgres://guardrails@db.internal/audit',
        GUARDRAILS_AUDIT_OWNER_DATABASE_URL: 'postgres://owner@db.internal/audit',
      }).audit.ownerDatabaseUrl,
    ).toBe('postgres://owner@db.internal/audit');
    expect(problemsOf({ GUARDRAILS_AUDIT_CHECKPOINT_INTERVAL_SECONDS: '1' })).toMatch(
      /^GUARDRAILS_AUDIT_CHECKPOINT_INTERVAL_SECONDS: /,
    );
  });
});

describe('the context retry budget', () => {
  it('defaults to ten minutes for a context’s whole retry life', () => {
    expect(loadConfig(GuardrailsConfig, {}).contextRetryBudgetMs).toBe(600_000);
    expect(
      loadConfig(GuardrailsConfig, { GUARDRAILS_CONTEXT_RETRY_BUDGET_MS: '300000' }).contextRetryBudgetMs,
    ).toBe(300_000);
  });

  it('is refused below one inference deadline, or outside 1 s to a day', () => {
    expect(
      problemsOf({ GUARDRAILS_CONTEXT_RETRY_BUDGET_MS: '60000', GUARDRAILS_INFERENCE_DEADLINE_MS: '120000' }),
    ).toBe(
      'GUARDRAILS_CONTEXT_RETRY_BUDGET_MS: must be at least GUARDRAILS_INFERENCE_DEADLINE_MS (120000), so one inference call can run to its deadline (got "60000")',
    );
    expect(problemsOf({ GUARDRAILS_CONTEXT_RETRY_BUDGET_MS: '500' })).toMatch(
      /^GUARDRAILS_CONTEXT_RETRY_BUDGET_MS: must be at least 1000/,
    );
    expect(problemsOf({ GUARDRAILS_CONTEXT_RETRY_BUDGET_MS: '100000000' })).toMatch(
      /^GUARDRAILS_CONTEXT_RETRY_BUDGET_MS: must be at most 86400000/,
    );
  });
});

describe('the metrics address and TLS to inference', () => {
  it('default to /metrics on this host only and a plain-text channel', () => {
    const config = loadConfig(GuardrailsConfig, {});
    expect(config.metrics).toEqual({ host: '127.0.0.1', port: 9465 });
    expect(config.inference.tls).toBeUndefined();
    expect(loadConfig(GuardrailsConfig, { GUARDRAILS_METRICS_HOST: '0.0.0.0' }).metrics.host).toBe('0.0.0.0');
  });

  it('turn TLS on with the CA, and present a client certificate when one is given', () => {
    expect(
      loadConfig(GuardrailsConfig, { GUARDRAILS_INFERENCE_TLS_CA_FILE: '/tls/ca.crt' }).inference.tls,
    ).toEqual({
      ca: { variable: 'GUARDRAILS_INFERENCE_TLS_CA_FILE', path: '/tls/ca.crt' },
      cert: undefined,
      key: undefined,
      serverName: undefined,
    });
    expect(
      loadConfig(GuardrailsConfig, {
        GUARDRAILS_INFERENCE_TLS_CA_FILE: '/tls/ca.crt',
        GUARDRAILS_INFERENCE_TLS_CERT_FILE: '/tls/tls.crt',
        GUARDRAILS_INFERENCE_TLS_KEY_FILE: '/tls/tls.key',
        GUARDRAILS_INFERENCE_TLS_SERVER_NAME: 'aloe-inference.aloe.svc',
      }).inference.tls,
    ).toEqual({
      ca: { variable: 'GUARDRAILS_INFERENCE_TLS_CA_FILE', path: '/tls/ca.crt' },
      cert: { variable: 'GUARDRAILS_INFERENCE_TLS_CERT_FILE', path: '/tls/tls.crt' },
      key: { variable: 'GUARDRAILS_INFERENCE_TLS_KEY_FILE', path: '/tls/tls.key' },
      serverName: 'aloe-inference.aloe.svc',
    });
  });

  it('refuse a client certificate or server name without the CA, and half a key pair', () => {
    expect(
      problemsOf({
        GUARDRAILS_INFERENCE_TLS_CERT_FILE: '/tls/tls.crt',
        GUARDRAILS_INFERENCE_TLS_KEY_FILE: '/tls/tls.key',
        GUARDRAILS_INFERENCE_TLS_SERVER_NAME: 'aloe-inference',
      }).split('\n'),
    ).toEqual([
      'GUARDRAILS_INFERENCE_TLS_CERT_FILE: needs GUARDRAILS_INFERENCE_TLS_CA_FILE: TLS to inference is on only with the CA that signed its certificate (got "/tls/tls.crt")',
      'GUARDRAILS_INFERENCE_TLS_KEY_FILE: needs GUARDRAILS_INFERENCE_TLS_CA_FILE: TLS to inference is on only with the CA that signed its certificate (got "/tls/tls.key")',
      'GUARDRAILS_INFERENCE_TLS_SERVER_NAME: needs GUARDRAILS_INFERENCE_TLS_CA_FILE: TLS to inference is on only with the CA that signed its certificate (got "aloe-inference")',
    ]);
    expect(
      problemsOf({
        GUARDRAILS_INFERENCE_TLS_CA_FILE: '/tls/ca.crt',
        GUARDRAILS_INFERENCE_TLS_CERT_FILE: '/tls/tls.crt',
      }),
    ).toBe(
      'GUARDRAILS_INFERENCE_TLS_KEY_FILE: is required when GUARDRAILS_INFERENCE_TLS_CERT_FILE is set (a client certificate and its key, or neither) (not set)',
    );
  });
});
