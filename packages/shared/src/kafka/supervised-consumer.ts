import type { Consumer, ConsumerConfig, ConsumerRunConfig, Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { describeError } from '../errors/app-error.js';
import { backoffDelayMs } from '../retry/retry.js';
import { trackGroupJoin } from './group-join.js';

/** starting: not yet in its group; running: in its group, consuming; restarting: crashed, coming back. */
export type ConsumerState = 'starting' | 'running' | 'restarting' | 'stopped';

export interface ConsumerHealth {
  state: ConsumerState;
  /** Restarts after crashes since the service started. */
  restarts: number;
  /** The latest crash (code and message, PHI-free), when there was one. */
  lastCrash?: { code: string; message: string; at: string };
}

export interface SupervisedConsumer {
  /** The KafkaJS consumer of the moment (a restart makes a new one). */
  readonly consumer: Consumer;
  /** Resolves once the consumer has first joined its group. */
  readonly joined: Promise<void>;
  assignment(): number[];
  /** True while the consumer is in its group and consuming: what a service's /readyz asks. */
  isRunning(): boolean;
  health(): ConsumerHealth;
  stop(): Promise<void>;
}

export interface RestartOptions {
  /** The wait before the first restart; it doubles up to `maxDelayMs` while restarts keep failing. */
  initialDelayMs: number;
  maxDelayMs: number;
  /** A consumer that ran this long before crashing starts again from the initial delay. */
  stableAfterMs: number;
}

export const defaultRestartOptions: RestartOptions = {
  initialDelayMs: 1_000,
  maxDelayMs: 60_000,
  stableAfterMs: 60_000,
};

/**
 * Runs a KafkaJS consumer of one topic and brings it back when it stops on its own. KafkaJS gives up
 * on a consumer for good after a non-retriable error (and after its own retries, we tell it not to
 * restart): it emits CRASH, leaves the group and stays down while the process looks healthy. Here
 * every crash leads to a fresh consumer after a backoff; `isRunning()` is false from the crash until
 * the new one has joined the group, so the service's /readyz says so.
 */
export async function startSupervisedConsumer(options: {
  kafka: Kafka;
  config: ConsumerConfig;
  topic: string;
  fromBeginning: boolean;
  run: ConsumerRunConfig;
  restart?: Partial<RestartOptions>;
  logger: Logger;
}): Promise<SupervisedConsumer> {
  const { kafka, topic, logger } = options;
  const restart = { ...defaultRestartOptions, ...options.restart };
  const backoff = { maxAttempts: Number.POSITIVE_INFINITY, ...restart };
  let state: ConsumerState = 'starting';
  let restarts = 0;
  let failuresInARow = 0;
  let runningSince: number | undefined;
  let lastCrash: ConsumerHealth['lastCrash'];
  let timer: NodeJS.Timeout | undefined;
  let stopping = false;
  let current!: { consumer: Consumer; membership: ReturnType<typeof trackGroupJoin> };
  let resolveJoined!: () => void;
  const joined = new Promise<void>((resolve) => {
    resolveJoined = resolve;
  });

  const launch = async () => {
    const consumer = kafka.consumer({
      ...options.config,
      // We restart (with our backoff and our readiness), never KafkaJS behind our back.
      retry: { ...options.config.retry, restartOnFailure: async () => false },
    });
    const membership = trackGroupJoin(consumer, topic, logger);
    current = { consumer, membership };
    void membership.joined.then(() => {
      if (stopping || current.consumer !== consumer) return;
      state = 'running';
      runningSince = Date.now();
      resolveJoined();
    });
    consumer.on(consumer.events.CRASH, (event) => {
      if (!stopping && current.consumer === consumer) onCrash(event.payload.error);
    });
    try {
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: options.fromBeginning });
      await consumer.run(options.run);
    } catch (error) {
      await consumer.disconnect().catch(() => undefined);
      throw error;
    }
  };

  const scheduleRestart = () => {
    const delayMs = backoffDelayMs(failuresInARow, backoff);
    logger.error({ delayMs, restarts, lastCrash }, 'consumer stopped; restarting it');
    timer = setTimeout(async () => {
      if (stopping) return;
      restarts++;
      try {
        await launch();
      } catch (error) {
        if (stopping) return;
        failuresInARow++;
        lastCrash = { ...describeError(error), at: new Date().toISOString() };
        scheduleRestart();
      }
    }, delayMs);
  };

  const onCrash = (error: unknown) => {
    state = 'restarting';
    const ranFor = runningSince === undefined ? 0 : Date.now() - runningSince;
    failuresInARow = ranFor >= restart.stableAfterMs ? 1 : failuresInARow + 1;
    runningSince = undefined;
    lastCrash = { ...describeError(error), at: new Date().toISOString() };
    scheduleRestart();
  };

  await launch();

  return {
    get consumer() {
      return current.consumer;
    },
    joined,
    assignment: () => current.membership.assignment(),
    isRunning: () => state === 'running',
    health: () => ({ state, restarts, ...(lastCrash ? { lastCrash } : {}) }),
    async stop() {
      stopping = true;
      state = 'stopped';
      clearTimeout(timer);
      await current.consumer.disconnect();
    },
  };
}
