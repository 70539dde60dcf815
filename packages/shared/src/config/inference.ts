import { z } from 'zod';
import { envBool, envEnum, envInt, envPort, envString, LogLevel } from './env.js';

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
    INFERENCE_HOST: envString().default('127.0.0.1'),
    INFERENCE_GRPC_PORT: envPort().default(50051),
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
  .transform((env) => ({
    logLevel: env.LOG_LEVEL,
    model: { source: env.ALOE_MODEL, modelsDir: env.INFERENCE_MODELS_DIR, label: env.INFERENCE_MODEL_LABEL },
    grpc: { host: env.INFERENCE_HOST, port: env.INFERENCE_GRPC_PORT },
    metrics: { port: env.INFERENCE_METRICS_PORT },
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
