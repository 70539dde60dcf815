import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import {
  checkKafkaHeartbeat,
  checkKafkaSasl,
  envBool,
  envHost,
  envInt,
  envList,
  envPort,
  envString,
  kafkaEnv,
  kafkaSettingsFrom,
  LogLevel,
} from './env.js';
import { pemFile } from './tls-files.js';

/**
 * How the model is asked (docs/research-notes.md#inference-strategies): once, reasoning first, or N reasoned
 * samples voting on the actions.
 */
export const ReviewStrategy = z.enum(['direct', 'chain-of-thought', 'self-consistency']);
export type ReviewStrategy = z.infer<typeof ReviewStrategy>;

const TASKS = ['medication-safety', 'care-gaps', 'summary'] as const;

/** `task=strategy,…` → a strategy for every task (tasks not named keep the default). */
const StrategiesByTask = envString()
  .default('medication-safety=chain-of-thought,care-gaps=direct,summary=direct')
  .transform((text, ctx) => {
    const strategies: Record<(typeof TASKS)[number], ReviewStrategy> = {
      'medication-safety': 'chain-of-thought',
      'care-gaps': 'direct',
      summary: 'direct',
    };
    for (const pair of text
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean)) {
      const [task, strategy] = pair.split('=').map((part) => part.trim());
      const parsed = ReviewStrategy.safeParse(strategy);
      if (!TASKS.includes(task as never) || !parsed.success) {
        ctx.addIssue({
          code: 'custom',
          message: `"${pair}": expected task=strategy with task one of ${TASKS.join(', ')} and strategy one of ${ReviewStrategy.options.join(', ')}`,
        });
        return z.NEVER;
      }
      strategies[task as (typeof TASKS)[number]] = parsed.data;
    }
    return strategies;
  });

/** A PEM key, or the base64 of its DER (PKCS#8 for a private key, SPKI for a public one). */
const toKeyObject = (text: string, kind: 'private' | 'public'): KeyObject => {
  const pem = text.includes('-----BEGIN');
  // A PEM in a one-line variable (.env files, Kubernetes) often arrives with its newlines written as `\n`.
  const key = pem ? text.replaceAll('\\n', '\n') : Buffer.from(text.trim(), 'base64');
  return kind === 'private'
    ? createPrivateKey(pem ? key : { key, format: 'der', type: 'pkcs8' })
    : createPublicKey(pem ? key : { key, format: 'der', type: 'spki' });
};

/** An Ed25519 key → its PEM (the form the service and the offline verifier read). */
const Ed25519Key = (kind: 'private' | 'public') =>
  envString().transform((text, ctx) => {
    try {
      const key = toKeyObject(text, kind);
      if (key.asymmetricKeyType === 'ed25519')
        return key.export({ format: 'pem', type: kind === 'private' ? 'pkcs8' : 'spki' }).toString();
    } catch {
      // reported below, without echoing the key
    }
    ctx.addIssue({
      code: 'custom',
      message: `must be an Ed25519 ${kind} key: PEM, or the base64 of its DER (${kind === 'private' ? 'PKCS#8' : 'SPKI'}); e.g. openssl genpkey -algorithm ed25519`,
    });
    return z.NEVER;
  });

const isPostgresUrl = (url: string) => /^postgres(ql)?:\/\//.test(url);

/** The guardrails service (`GUARDRAILS_*`). */
export const GuardrailsConfig = z
  .object({
    LOG_LEVEL: LogLevel.default('info'),
    ...kafkaEnv,
    GUARDRAILS_GROUP_ID: envString().default('aloe-guardrails'),
    GUARDRAILS_HTTP_PORT: envPort().default(8082),
    /** Where /metrics listens: this host only by default; 0.0.0.0 in a container, for Prometheus. */
    GUARDRAILS_METRICS_HOST: envHost().default('127.0.0.1'),
    GUARDRAILS_METRICS_PORT: envPort().default(9465),
    /** host:port of the inference service. */
    GUARDRAILS_INFERENCE_ADDRESS: envString().default('127.0.0.1:50051'),
    /**
     * The CA (PEM) that signed the inference server's certificate: set, the channel to inference is TLS.
     * Read when the service starts.
     */
    GUARDRAILS_INFERENCE_TLS_CA_FILE: envString().optional(),
    /** A client certificate (chain) and its key, PEM, presented to inference (mutual TLS): both or neither. */
    GUARDRAILS_INFERENCE_TLS_CERT_FILE: envString().optional(),
    GUARDRAILS_INFERENCE_TLS_KEY_FILE: envString().optional(),
    /** The name inference's certificate must carry, when it is not the host of GUARDRAILS_INFERENCE_ADDRESS. */
    GUARDRAILS_INFERENCE_TLS_SERVER_NAME: envHost().optional(),
    GUARDRAILS_INFERENCE_DEADLINE_MS: envInt({ min: 100 }).default(120_000),
    /** `postgres://…` for PostgreSQL; `pglite:<dir>` or `pglite:memory` for the embedded database. */
    GUARDRAILS_AUDIT_DATABASE_URL: envString()
      .default('pglite:.data/audit')
      .refine(
        (url) => /^(postgres(ql)?:\/\/|pglite:)/.test(url),
        'must start with postgres://, postgresql:// or pglite:',
      ),
    /**
     * The login that applies the audit migrations at start-up (owner of the audit tables, or a superuser);
     * then the service works through GUARDRAILS_AUDIT_DATABASE_URL as the app role. Unset: migrations run
     * through GUARDRAILS_AUDIT_DATABASE_URL's login (development, PGlite).
     */
    GUARDRAILS_AUDIT_OWNER_DATABASE_URL: envString()
      .refine(isPostgresUrl, 'must start with postgres:// or postgresql://')
      .optional(),
    /** Ed25519 private key that signs audit rows and checkpoints; unset = the published development key. */
    GUARDRAILS_AUDIT_SIGNING_KEY: Ed25519Key('private').optional(),
    /** Public keys of earlier signing keys, comma-separated, so a log signed before a key rotation still verifies. */
    GUARDRAILS_AUDIT_TRUSTED_PUBLIC_KEYS: envList()
      .pipe(z.array(Ed25519Key('public')))
      .optional(),
    /** How often a signed checkpoint of the newest row is written (when rows were added since the last one). */
    GUARDRAILS_AUDIT_CHECKPOINT_INTERVAL_SECONDS: envInt({ min: 10, max: 86_400 }).default(300),
    /** HIPAA asks for 6 years of records; the EU AI Act for at least 6 months. */
    GUARDRAILS_AUDIT_RETENTION_DAYS: envInt({ min: 183 }).default(2_192),
    GUARDRAILS_SHUTDOWN_TIMEOUT_MS: envInt({ min: 0 }).default(30_000),
    GUARDRAILS_INFERENCE_MAX_ATTEMPTS: envInt({ min: 1, max: 20 }).default(4),
    /**
     * A context's whole retry life, from its first attempt: inference calls and their retries, and the
     * consumer's retries, all end within it; then the context goes to the DLQ (RETRIES_EXHAUSTED).
     */
    GUARDRAILS_CONTEXT_RETRY_BUDGET_MS: envInt({ min: 1_000, max: 86_400_000 }).default(600_000),
    /** Generated tokens per request. */
    GUARDRAILS_MAX_TOKENS: envInt({ min: 16, max: 8_192 }).default(4_096),
    /** The prompt's token budget for the patient context (Aloe was trained at 16K). */
    GUARDRAILS_MAX_CONTEXT_TOKENS: envInt({ min: 512, max: 128_000 }).default(12_000),
    /** The inference strategy per task, e.g. `medication-safety=self-consistency,summary=direct`. */
    GUARDRAILS_STRATEGIES: StrategiesByTask,
    /** Samples that vote on the actions under self-consistency. */
    GUARDRAILS_SELF_CONSISTENCY_SAMPLES: envInt({ min: 2, max: 16 }).default(5),
    /** Sampling temperature × 100 (30 = 0.3): low, for repeatable suggestions. */
    GUARDRAILS_TEMPERATURE_PERCENT: envInt({ min: 0, max: 200 }).default(30),
    /** Write suggestions for a patient the EHR records as deceased back to the EHR (off: cards only, and the set says why). */
    GUARDRAILS_WRITE_BACK_DECEASED: envBool().default(false),
    /** The learned harm rail's sentence encoder (model.onnx + tokenizer.json; infra/models/fetch-harm-model.sh). */
    GUARDRAILS_HARM_MODEL_DIR: envString().default('.data/models/all-minilm-l6-v2-q'),
    /** onnxruntime threads for the harm rail's transformer reads (1 leaves the other cores to the pipeline). */
    GUARDRAILS_HARM_MODEL_THREADS: envInt({ min: 1, max: 64 }).default(1),
    /** Bearer tokens of the compliance role, comma-separated (the audit API answers only them). */
    GUARDRAILS_COMPLIANCE_TOKENS: envList().optional(),
    /** Bearer tokens of other staff: recognised, and refused by the audit API with 403. */
    GUARDRAILS_STAFF_TOKENS: envList().optional(),
  })
  .superRefine(checkKafkaSasl)
  .superRefine(checkKafkaHeartbeat)
  .superRefine((env, ctx) => {
    const cert = env.GUARDRAILS_INFERENCE_TLS_CERT_FILE;
    const key = env.GUARDRAILS_INFERENCE_TLS_KEY_FILE;
    if (cert && !key)
      ctx.addIssue({
        code: 'custom',
        path: ['GUARDRAILS_INFERENCE_TLS_KEY_FILE'],
        message:
          'is required when GUARDRAILS_INFERENCE_TLS_CERT_FILE is set (a client certificate and its key, or neither)',
      });
    if (key && !cert)
      ctx.addIssue({
        code: 'custom',
        path: ['GUARDRAILS_INFERENCE_TLS_CERT_FILE'],
        message:
          'is required when GUARDRAILS_INFERENCE_TLS_KEY_FILE is set (a client certificate and its key, or neither)',
      });
    if (!env.GUARDRAILS_INFERENCE_TLS_CA_FILE)
      for (const name of [
        'GUARDRAILS_INFERENCE_TLS_CERT_FILE',
        'GUARDRAILS_INFERENCE_TLS_KEY_FILE',
        'GUARDRAILS_INFERENCE_TLS_SERVER_NAME',
      ] as const)
        if (env[name])
          ctx.addIssue({
            code: 'custom',
            path: [name],
            message:
              'needs GUARDRAILS_INFERENCE_TLS_CA_FILE: TLS to inference is on only with the CA that signed its certificate',
          });
  })
  .superRefine((env, ctx) => {
    if (env.GUARDRAILS_CONTEXT_RETRY_BUDGET_MS < env.GUARDRAILS_INFERENCE_DEADLINE_MS)
      ctx.addIssue({
        code: 'custom',
        path: ['GUARDRAILS_CONTEXT_RETRY_BUDGET_MS'],
        message: `must be at least GUARDRAILS_INFERENCE_DEADLINE_MS (${env.GUARDRAILS_INFERENCE_DEADLINE_MS}), so one inference call can run to its deadline`,
      });
  })
  .superRefine((env, ctx) => {
    if (env.GUARDRAILS_AUDIT_OWNER_DATABASE_URL && !isPostgresUrl(env.GUARDRAILS_AUDIT_DATABASE_URL))
      ctx.addIssue({
        code: 'custom',
        path: ['GUARDRAILS_AUDIT_OWNER_DATABASE_URL'],
        message:
          'needs GUARDRAILS_AUDIT_DATABASE_URL to be PostgreSQL too (PGlite has one session and no logins)',
      });
  })
  .transform((env) => ({
    logLevel: env.LOG_LEVEL,
    kafka: kafkaSettingsFrom(env, 'aloe-guardrails'),
    groupId: env.GUARDRAILS_GROUP_ID,
    http: { port: env.GUARDRAILS_HTTP_PORT },
    metrics: { host: env.GUARDRAILS_METRICS_HOST, port: env.GUARDRAILS_METRICS_PORT },
    inference: {
      address: env.GUARDRAILS_INFERENCE_ADDRESS,
      deadlineMs: env.GUARDRAILS_INFERENCE_DEADLINE_MS,
      /** Undefined: plain text. The files are read when the service starts (readClientTls). */
      tls: env.GUARDRAILS_INFERENCE_TLS_CA_FILE
        ? {
            ca: pemFile('GUARDRAILS_INFERENCE_TLS_CA_FILE', env.GUARDRAILS_INFERENCE_TLS_CA_FILE),
            cert: pemFile('GUARDRAILS_INFERENCE_TLS_CERT_FILE', env.GUARDRAILS_INFERENCE_TLS_CERT_FILE),
            key: pemFile('GUARDRAILS_INFERENCE_TLS_KEY_FILE', env.GUARDRAILS_INFERENCE_TLS_KEY_FILE),
            serverName: env.GUARDRAILS_INFERENCE_TLS_SERVER_NAME,
          }
        : undefined,
    },
    /** GUARDRAILS_CONTEXT_RETRY_BUDGET_MS: the consumer's retry budget, which the inference calls also keep to. */
    contextRetryBudgetMs: env.GUARDRAILS_CONTEXT_RETRY_BUDGET_MS,
    audit: {
      databaseUrl: env.GUARDRAILS_AUDIT_DATABASE_URL,
      ownerDatabaseUrl: env.GUARDRAILS_AUDIT_OWNER_DATABASE_URL,
      retentionDays: env.GUARDRAILS_AUDIT_RETENTION_DAYS,
      /** PEM (PKCS#8); undefined = the development key. */
      signingPrivateKey: env.GUARDRAILS_AUDIT_SIGNING_KEY,
      /** PEM (SPKI) of earlier signing keys. */
      trustedPublicKeys: env.GUARDRAILS_AUDIT_TRUSTED_PUBLIC_KEYS ?? [],
      checkpointIntervalMs: env.GUARDRAILS_AUDIT_CHECKPOINT_INTERVAL_SECONDS * 1_000,
    },
    shutdownTimeoutMs: env.GUARDRAILS_SHUTDOWN_TIMEOUT_MS,
    review: {
      maxTokens: env.GUARDRAILS_MAX_TOKENS,
      maxContextTokens: env.GUARDRAILS_MAX_CONTEXT_TOKENS,
      temperature: env.GUARDRAILS_TEMPERATURE_PERCENT / 100,
      strategies: env.GUARDRAILS_STRATEGIES,
      selfConsistencySamples: env.GUARDRAILS_SELF_CONSISTENCY_SAMPLES,
      inferenceMaxAttempts: env.GUARDRAILS_INFERENCE_MAX_ATTEMPTS,
      writeBackDeceased: env.GUARDRAILS_WRITE_BACK_DECEASED,
    },
    harmModelDir: env.GUARDRAILS_HARM_MODEL_DIR,
    harmModelThreads: env.GUARDRAILS_HARM_MODEL_THREADS,
    compliance: {
      tokens: env.GUARDRAILS_COMPLIANCE_TOKENS ?? [],
      staffTokens: env.GUARDRAILS_STAFF_TOKENS ?? [],
    },
  }));
export type GuardrailsConfig = z.output<typeof GuardrailsConfig>;
