import type { z } from 'zod';
import { loadConfig, maskSecrets } from '../config/load-config.js';
import { ConfigError } from '../errors/app-error.js';
import { createLogger, type Logger } from '../logging/logger.js';
import { createShutdown, type Shutdown } from '../shutdown/shutdown.js';
import { startTracing, type Tracing } from '../tracing/start-tracing.js';
import { type TracingConfig, tracingConfigFrom } from '../tracing/tracing-config.js';

/** sysexits.h EX_CONFIG: the process cannot start with this configuration. */
export const EXIT_CONFIG = 78;

export interface BootedService<C> {
  config: C;
  logger: Logger;
  shutdown: Shutdown;
  /** On when the OTEL_* variables ask for it (see tracingConfigFrom); the no-op API otherwise. */
  tracing: Tracing;
}

/**
 * The first lines of every main.ts: validate the configuration (a bad one stops start-up with one
 * message naming each variable, exit code 78), create the root logger, log the effective configuration
 * with secrets masked, start tracing when the OTEL_* variables ask for it, and install graceful shutdown
 * on SIGTERM/SIGINT.
 */
export function bootService<S extends z.ZodType<{ logLevel: string; shutdownTimeoutMs: number }>>(options: {
  service: string;
  schema: S;
  env: Readonly<Record<string, string | undefined>>;
  exit?: (code: number) => never;
}): BootedService<Readonly<z.output<S>>> {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let config: Readonly<z.output<S>>;
  let tracingConfig: TracingConfig;
  try {
    config = loadConfig(options.schema, options.env);
    tracingConfig = tracingConfigFrom(options.env, options.service);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${options.service}: cannot start.\n${error.message}\n`);
    return exit(EXIT_CONFIG);
  }
  const logger = createLogger({ service: options.service, level: config.logLevel });
  logger.info({ config: maskSecrets(config) }, 'starting');
  const shutdown = createShutdown({ logger, timeoutMs: config.shutdownTimeoutMs });
  const tracing = startTracing(tracingConfig, { logger });
  // Registered first, so it runs last: the spans of the shutdown itself are exported too.
  shutdown.onShutdown('tracing', () => tracing.shutdown());
  shutdown.installSignalHandlers();
  return { config, logger, shutdown, tracing };
}
