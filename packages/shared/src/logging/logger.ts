import { type DestinationStream, type Logger, type LoggerOptions, pino } from 'pino';

export type { Logger } from 'pino';

/**
 * Field names that may hold PHI or model text. Code should never log them (log ids, pseudonyms, counts,
 * rule ids, timings); this list is the backstop when someone does. Paths follow pino's redact syntax.
 */
const PHI_FIELDS = [
  'name',
  'given',
  'family',
  'birthDate',
  'address',
  'telecom',
  'phone',
  'email',
  'identifier',
  'mrn',
  'ssn',
  'text',
  'note',
  'notes',
  'narrative',
  'prompt',
  'messages',
  'content',
  'completion',
  'output',
  'rawOutput',
  'value',
  'patient',
  'items',
  'authorization',
  'password',
  'token',
  'accessToken',
  'clientSecret',
] as const;

export const PHI_REDACT_PATHS: readonly string[] = PHI_FIELDS.flatMap((field) => [
  field,
  `*.${field}`,
  `*.*.${field}`,
]);

export interface CreateLoggerOptions {
  /** The service name, on every line. */
  service: string;
  level?: string;
  /** Where lines go; stdout by default. Tests pass a stream to read what was logged. */
  destination?: DestinationStream;
}

/** The root JSON logger of a process; modules take `logger.child({ component })`. */
export function createLogger(options: CreateLoggerOptions): Logger {
  const pinoOptions: LoggerOptions = {
    level: options.level ?? 'info',
    base: { service: options.service },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: [...PHI_REDACT_PATHS], censor: '[REDACTED]' },
    formatters: { level: (label) => ({ level: label }) },
    serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
  };
  return options.destination ? pino(pinoOptions, options.destination) : pino(pinoOptions);
}
