import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from './service.js';

const run = promisify(execFile);
const kafkaScript = join(repoRoot, 'infra/kafka/kafka.sh');

/** The project's broker (infra/kafka) on KAFKA_PORT / KAFKA_CONTROLLER_PORT, as CI and dev.sh run it. */
export const brokerPort = process.env.KAFKA_PORT ?? '9092';

/**
 * Why this run cannot restart the broker (the chaos test then skips), or undefined: KAFKA_BROKERS names
 * a broker this machine does not run.
 */
export function brokerNotRestartable(): string | undefined {
  return process.env.KAFKA_BROKERS
    ? `KAFKA_BROKERS is set (${process.env.KAFKA_BROKERS}): the chaos run restarts the project's own broker (infra/kafka) and will not touch another`
    : undefined;
}

/**
 * `kafka.sh <command>` without blocking the test's event loop (the services' log pipes must keep
 * draining meanwhile). Resolves when the script does: `stop` once the JVM is gone, `start` once it answers.
 */
export async function broker(command: 'start' | 'stop'): Promise<void> {
  await run('bash', [kafkaScript, command], { env: process.env, timeout: 120_000 });
}
