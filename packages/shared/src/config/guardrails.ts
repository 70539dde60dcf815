import { z } from 'zod';
import {
  checkKafkaSasl,
  envInt,
  envList,
  envPort,
  envString,
  kafkaEnv,
  kafkaSettingsFrom,
  LogLevel,
} from './env.js';

/** How the model is asked (research/aloe.md §3): once, reasoning first, or N reasoned samples voting on the actions. */
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

/** The guardrails service (`GUARDRAILS_*`). */
export const GuardrailsConfig = z
  .object({
    LOG_LEVEL: LogLevel.default('info'),
    ...kafkaEnv,
    GUARDRAILS_GROUP_ID: envString().default('aloe-guardrails'),
    GUARDRAILS_HTTP_PORT: envPort().default(8082),
    GUARDRAILS_METRICS_PORT: envPort().default(9465),
    /** host:port of the inference service. */
    GUARDRAILS_INFERENCE_ADDRESS: envString().default('127.0.0.1:50051'),
    GUARDRAILS_INFERENCE_DEADLINE_MS: envInt({ min: 100 }).default(120_000),
    /** `postgres://…` for PostgreSQL; `pglite:<dir>` or `pglite:memory` for the embedded database. */
    GUARDRAILS_AUDIT_DATABASE_URL: envString()
      .default('pglite:.data/audit')
      .refine(
        (url) => /^(postgres(ql)?:\/\/|pglite:)/.test(url),
        'must start with postgres://, postgresql:// or pglite:',
      ),
    /** HIPAA asks for 6 years of records; the EU AI Act for at least 6 months. */
    GUARDRAILS_AUDIT_RETENTION_DAYS: envInt({ min: 183 }).default(2_192),
    GUARDRAILS_SHUTDOWN_TIMEOUT_MS: envInt({ min: 0 }).default(30_000),
    GUARDRAILS_INFERENCE_MAX_ATTEMPTS: envInt({ min: 1, max: 20 }).default(4),
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
  .transform((env) => ({
    logLevel: env.LOG_LEVEL,
    kafka: kafkaSettingsFrom(env, 'aloe-guardrails'),
    groupId: env.GUARDRAILS_GROUP_ID,
    http: { port: env.GUARDRAILS_HTTP_PORT },
    metrics: { port: env.GUARDRAILS_METRICS_PORT },
    inference: {
      address: env.GUARDRAILS_INFERENCE_ADDRESS,
      deadlineMs: env.GUARDRAILS_INFERENCE_DEADLINE_MS,
    },
    audit: {
      databaseUrl: env.GUARDRAILS_AUDIT_DATABASE_URL,
      retentionDays: env.GUARDRAILS_AUDIT_RETENTION_DAYS,
    },
    shutdownTimeoutMs: env.GUARDRAILS_SHUTDOWN_TIMEOUT_MS,
    review: {
      maxTokens: env.GUARDRAILS_MAX_TOKENS,
      maxContextTokens: env.GUARDRAILS_MAX_CONTEXT_TOKENS,
      temperature: env.GUARDRAILS_TEMPERATURE_PERCENT / 100,
      strategies: env.GUARDRAILS_STRATEGIES,
      selfConsistencySamples: env.GUARDRAILS_SELF_CONSISTENCY_SAMPLES,
      inferenceMaxAttempts: env.GUARDRAILS_INFERENCE_MAX_ATTEMPTS,
    },
    harmModelDir: env.GUARDRAILS_HARM_MODEL_DIR,
    harmModelThreads: env.GUARDRAILS_HARM_MODEL_THREADS,
    compliance: {
      tokens: env.GUARDRAILS_COMPLIANCE_TOKENS ?? [],
      staffTokens: env.GUARDRAILS_STAFF_TOKENS ?? [],
    },
  }));
export type GuardrailsConfig = z.output<typeof GuardrailsConfig>;
