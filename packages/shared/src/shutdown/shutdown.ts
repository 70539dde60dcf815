import type { Logger } from 'pino';

export interface Shutdown {
  /** Registers a step; steps run in reverse order of registration (last created, first closed). */
  onShutdown(name: string, step: () => Promise<void> | void): void;
  /** Runs every step once, then exits (code 0, or 1 after a failure or the hard timeout). */
  shutdown(reason: string): Promise<void>;
  /** SIGTERM/SIGINT start a graceful shutdown; an unhandled rejection is logged and exits non-zero. */
  installSignalHandlers(): void;
  readonly isShuttingDown: boolean;
}

export interface ShutdownOptions {
  logger: Logger;
  /** After this long the process exits even if a step still runs. */
  timeoutMs?: number;
  exit?: (code: number) => void;
}

/** main.ts owns shutdown (STYLE): stop intake, let in-flight work finish, close clients in reverse order. */
export function createShutdown(options: ShutdownOptions): Shutdown {
  const logger = options.logger.child({ component: 'shutdown' });
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const steps: Array<{ name: string; step: () => Promise<void> | void }> = [];
  let running: Promise<void> | undefined;

  const shutdown = (reason: string, exitCode = 0): Promise<void> => {
    running ??= (async () => {
      logger.info({ reason }, 'shutting down');
      const timer = setTimeout(() => {
        logger.error({ timeoutMs: options.timeoutMs ?? 15_000 }, 'shutdown timed out; exiting');
        exit(1);
      }, options.timeoutMs ?? 15_000);
      timer.unref();
      let code = exitCode;
      for (const { name, step } of [...steps].reverse()) {
        try {
          await step();
          logger.debug({ step: name }, 'closed');
        } catch (error) {
          code = 1;
          logger.error({ step: name, err: error }, 'shutdown step failed');
        }
      }
      clearTimeout(timer);
      logger.info({ exitCode: code }, 'shutdown complete');
      exit(code);
    })();
    return running;
  };

  return {
    onShutdown(name, step) {
      steps.push({ name, step });
    },
    shutdown: (reason) => shutdown(reason),
    installSignalHandlers() {
      process.once('SIGTERM', () => void shutdown('SIGTERM'));
      process.once('SIGINT', () => void shutdown('SIGINT'));
      process.on('unhandledRejection', (error) => {
        logger.error({ err: error }, 'unhandled promise rejection');
        void shutdown('unhandledRejection', 1);
      });
    },
    get isShuttingDown() {
      return running !== undefined;
    },
  };
}
