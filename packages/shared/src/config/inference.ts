import { z } from 'zod';
import { envBool, envEnum, envHost, envInt, envPort, envString, LogLevel } from './env.js';
import { pemFile } from './tls-files.js';

/**
 * The largest gRPC message the inference server accepts. grpc-js refuses a bigger one with
 * RESOURCE_EXHAUSTED before any handler runs; anything smaller reaches the service's own size checks.
 */
export const INFERENCE_MAX_MESSAGE_BYTES = 8 * 1024 * 1024;
/** Room a GenerateRequest needs beside its text: a JSON schema (up to 100,000 characters), framing. */
const NON_TEXT_MESSAGE_BYTES = 1024 * 1024;
/** The largest INFERENCE_MAX_PROMPT_BYTES: above it the gRPC limit, not this bound, would refuse a request. */
export const INFERENCE_MAX_PROMPT_BYTES_LIMIT = INFERENCE_MAX_MESSAGE_BYTES - NON_TEXT_MESSAGE_BYTES;

/** The inference service (`INFERENCE_*`; the model itself is `ALOE_MODEL`). */
export const InferenceConfig = z
  .object({
    LOG_LEVEL: LogLevel.default('info'),
    /** A GGUF file path or an `hf:` URI. Unset: the project's generated test model. */
    ALOE_MODEL: envString().optional(),
    /**
     * The model's name in its identity (responses, audit log, FHIR Provenance); unset = the GGUF's
     * general.name. Also how an Aloe seed system is recognised when its file name and metadata do not say.
     */
    INFERENCE_MODEL_LABEL: envString().optional(),
    /** Where `hf:` downloads are cached. */
    INFERENCE_MODELS_DIR: envString().default('.data/models'),
    INFERENCE_HOST: envHost().default('127.0.0.1'),
    INFERENCE_GRPC_PORT: envPort().default(50051),
    /**
     * The server's certificate (chain) and key, PEM files: both turn TLS on for the gRPC port. Checked
     * when the service starts (readable, a certificate and its own key).
     */
    INFERENCE_GRPC_TLS_CERT_FILE: envString().optional(),
    INFERENCE_GRPC_TLS_KEY_FILE: envString().optional(),
    /** A CA (PEM): then every client must present a certificate it signed (mutual TLS). */
    INFERENCE_GRPC_TLS_CLIENT_CA_FILE: envString().optional(),
    /**
     * A second, plain-text port that serves grpc.health.v1.Health only, on INFERENCE_HOST: for probes
     * that cannot speak TLS (Kubernetes' grpc probes). Unset: none.
     */
    INFERENCE_HEALTH_PORT: envPort().optional(),
    /** Where /metrics listens; unset: INFERENCE_HOST. */
    INFERENCE_METRICS_HOST: envHost().optional(),
    INFERENCE_METRICS_PORT: envPort().default(9464),
    /** auto: CUDA/Vulkan/Metal when present, else CPU. */
    INFERENCE_GPU: envEnum(['auto', 'cuda', 'vulkan', 'metal', 'cpu']).default('auto'),
    /**
     * 0 = the number of physical cores (docs/decisions.md#node-llama-cpp-threads: node-llama-cpp's own
     * default oversubscribes small VMs).
     */
    INFERENCE_THREADS: envInt({ min: 0, max: 256 }).default(0),
    /** Tokens per sequence; an Aloe seed system is capped at what its card advises (16K Beta, 8K Alpha). */
    INFERENCE_CONTEXT_SIZE: envInt({ min: 256, max: 131_072 }).default(8_192),
    INFERENCE_PARALLEL_SEQUENCES: envInt({ min: 1, max: 64 }).default(2),
    INFERENCE_QUEUE_CAPACITY: envInt({ min: 0, max: 10_000 }).default(32),
    INFERENCE_DEFAULT_MAX_TOKENS: envInt({ min: 1, max: 32_768 }).default(512),
    INFERENCE_DEFAULT_SAMPLES: envInt({ min: 1, max: 64 }).default(5),
    /**
     * UTF-8 bytes of text one request may carry (its messages, multiple-choice question and options),
     * checked before anything is tokenised. Unset: 8 bytes per token of the loaded model's context.
     */
    INFERENCE_MAX_PROMPT_BYTES: envInt({ min: 1_024, max: INFERENCE_MAX_PROMPT_BYTES_LIMIT }).optional(),
    /** Logs prompt and output text: debugging on synthetic data only, never in production. */
    INFERENCE_LOG_PROMPTS: envBool().default(false),
    INFERENCE_SHUTDOWN_TIMEOUT_MS: envInt({ min: 0 }).default(30_000),
  })
  .superRefine((env, ctx) => {
    const cert = env.INFERENCE_GRPC_TLS_CERT_FILE;
    const key = env.INFERENCE_GRPC_TLS_KEY_FILE;
    if (cert && !key)
      ctx.addIssue({
        code: 'custom',
        path: ['INFERENCE_GRPC_TLS_KEY_FILE'],
        message:
          'is required when INFERENCE_GRPC_TLS_CERT_FILE is set (a certificate and its key, or neither)',
      });
    if (key && !cert)
      ctx.addIssue({
        code: 'custom',
        path: ['INFERENCE_GRPC_TLS_CERT_FILE'],
        message:
          'is required when INFERENCE_GRPC_TLS_KEY_FILE is set (a certificate and its key, or neither)',
      });
    if (env.INFERENCE_GRPC_TLS_CLIENT_CA_FILE && !(cert && key))
      ctx.addIssue({
        code: 'custom',
        path: ['INFERENCE_GRPC_TLS_CLIENT_CA_FILE'],
        message:
          'needs INFERENCE_GRPC_TLS_CERT_FILE and INFERENCE_GRPC_TLS_KEY_FILE: client certificates are asked for only over TLS',
      });
    const health = env.INFERENCE_HEALTH_PORT;
    if (health !== undefined && health !== 0)
      for (const name of ['INFERENCE_GRPC_PORT', 'INFERENCE_METRICS_PORT'] as const)
        if (env[name] === health)
          ctx.addIssue({
            code: 'custom',
            path: ['INFERENCE_HEALTH_PORT'],
            message: `must differ from ${name} (${health})`,
          });
  })
  .transform((env) => ({
    logLevel: env.LOG_LEVEL,
    model: { source: env.ALOE_MODEL, modelsDir: env.INFERENCE_MODELS_DIR, label: env.INFERENCE_MODEL_LABEL },
    grpc: {
      host: env.INFERENCE_HOST,
      port: env.INFERENCE_GRPC_PORT,
      /** Undefined: plain text. The files are read when the service starts (readServerTls). */
      tls:
        env.INFERENCE_GRPC_TLS_CERT_FILE && env.INFERENCE_GRPC_TLS_KEY_FILE
          ? {
              cert: pemFile('INFERENCE_GRPC_TLS_CERT_FILE', env.INFERENCE_GRPC_TLS_CERT_FILE),
              key: pemFile('INFERENCE_GRPC_TLS_KEY_FILE', env.INFERENCE_GRPC_TLS_KEY_FILE),
              clientCa: pemFile('INFERENCE_GRPC_TLS_CLIENT_CA_FILE', env.INFERENCE_GRPC_TLS_CLIENT_CA_FILE),
            }
          : undefined,
      healthPort: env.INFERENCE_HEALTH_PORT,
    },
    metrics: { host: env.INFERENCE_METRICS_HOST ?? env.INFERENCE_HOST, port: env.INFERENCE_METRICS_PORT },
    runtime: {
      gpu: env.INFERENCE_GPU,
      threads: env.INFERENCE_THREADS,
      contextSize: env.INFERENCE_CONTEXT_SIZE,
      parallelSequences: env.INFERENCE_PARALLEL_SEQUENCES,
    },
    queueCapacity: env.INFERENCE_QUEUE_CAPACITY,
    defaults: { maxTokens: env.INFERENCE_DEFAULT_MAX_TOKENS, samples: env.INFERENCE_DEFAULT_SAMPLES },
    limits: { maxPromptBytes: env.INFERENCE_MAX_PROMPT_BYTES },
    logPrompts: env.INFERENCE_LOG_PROMPTS,
    shutdownTimeoutMs: env.INFERENCE_SHUTDOWN_TIMEOUT_MS,
  }));
export type InferenceConfig = z.output<typeof InferenceConfig>;
