/**
 * Stable error codes, one per meaning. Edges map them: HTTP → OperationOutcome, gRPC → status,
 * Kafka → retry or dead-letter (by `retriable`).
 */
export const ErrorCode = {
  InvalidInput: 'INVALID_INPUT',
  ContextInvalid: 'CONTEXT_INVALID',
  SchemaVersionUnsupported: 'SCHEMA_VERSION_UNSUPPORTED',
  NotFound: 'NOT_FOUND',
  Unauthorized: 'UNAUTHORIZED',
  Forbidden: 'FORBIDDEN',
  Unavailable: 'UNAVAILABLE',
  ModelNotLoaded: 'MODEL_NOT_LOADED',
  QueueFull: 'QUEUE_FULL',
  DeadlineExceeded: 'DEADLINE_EXCEEDED',
  Cancelled: 'CANCELLED',
  OutputTruncated: 'OUTPUT_TRUNCATED',
  OutputInvalid: 'OUTPUT_INVALID',
  RetriesExhausted: 'RETRIES_EXHAUSTED',
  Config: 'CONFIG_INVALID',
  Internal: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface AppErrorOptions {
  /** Worth trying again later (a dependency was down, a queue was full); decides retry vs dead-letter. */
  retriable?: boolean;
  cause?: unknown;
  /** Safe, PHI-free facts for logs and error bodies (field names, limits, ids). */
  details?: Record<string, unknown>;
}

/** The one base error of the project (KafkaJS-style: a stable code, a `retriable` flag and the cause). */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly retriable: boolean;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retriable = options.retriable ?? false;
    this.details = options.details ?? {};
  }
}

/** Bad input from a caller or a producer: never retried. */
export class InvalidInputError extends AppError {
  constructor(message: string, options: Omit<AppErrorOptions, 'retriable'> & { code?: ErrorCode } = {}) {
    super(options.code ?? ErrorCode.InvalidInput, message, { ...options, retriable: false });
  }
}

export class NotFoundError extends AppError {
  constructor(message: string, options: Omit<AppErrorOptions, 'retriable'> = {}) {
    super(ErrorCode.NotFound, message, { ...options, retriable: false });
  }
}

/** A dependency (broker, EHR, model, database) is down or busy: retriable by default. */
export class UnavailableError extends AppError {
  constructor(message: string, options: AppErrorOptions & { code?: ErrorCode } = {}) {
    super(options.code ?? ErrorCode.Unavailable, message, { retriable: true, ...options });
  }
}

export class QueueFullError extends AppError {
  /** How long the caller should wait before trying again. */
  readonly retryAfterMs: number;
  constructor(message: string, retryAfterMs: number, options: Omit<AppErrorOptions, 'retriable'> = {}) {
    super(ErrorCode.QueueFull, message, { ...options, retriable: true });
    this.retryAfterMs = retryAfterMs;
  }
}

export class DeadlineExceededError extends AppError {
  constructor(message = 'The deadline passed before the work finished', options: AppErrorOptions = {}) {
    super(ErrorCode.DeadlineExceeded, message, { retriable: true, ...options });
  }
}

export class CancelledError extends AppError {
  constructor(
    message = 'The caller cancelled the request',
    options: Omit<AppErrorOptions, 'retriable'> = {},
  ) {
    super(ErrorCode.Cancelled, message, { ...options, retriable: false });
  }
}

/** Start-up configuration is missing or wrong; the message names every bad variable. */
export class ConfigError extends AppError {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(ErrorCode.Config, `Invalid configuration:\n  ${problems.join('\n  ')}`, { retriable: false });
    this.problems = problems;
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

/** KafkaJS's wrappers that mean "my own retries ran out", not "this can never work". */
const KAFKAJS_GAVE_UP = new Set(['KafkaJSNonRetriableError', 'KafkaJSNumberOfRetriesExceeded']);

/**
 * Whether trying again may help. AppErrors say so themselves; programmer errors (TypeError,
 * ReferenceError, SyntaxError) never are; other unknown errors (socket resets from a library) are.
 * KafkaJS marks an error `retriable: false` once its own retries ran out, even when the broker was
 * only down (ECONNREFUSED): such a wrapper is judged by the error it wraps.
 */
export function isRetriable(error: unknown): boolean {
  return retriableAt(error, 0);
}

function retriableAt(error: unknown, depth: number): boolean {
  if (error instanceof AppError) return error.retriable;
  if (error instanceof TypeError || error instanceof ReferenceError || error instanceof SyntaxError)
    return false;
  if (error instanceof RangeError) return false;
  if (!(error instanceof Error)) return false;
  const { cause } = error as { cause?: unknown };
  if (KAFKAJS_GAVE_UP.has(error.name) && cause instanceof Error && cause !== error && depth < 5)
    return retriableAt(cause, depth + 1);
  return (error as { retriable?: unknown }).retriable !== false;
}

/** A short, PHI-free description of any thrown value for logs and dead-letter headers. */
export function describeError(error: unknown): { code: string; message: string } {
  if (error instanceof AppError) return { code: error.code, message: error.message };
  if (error instanceof Error) return { code: error.name || ErrorCode.Internal, message: error.message };
  return { code: ErrorCode.Internal, message: String(error) };
}
