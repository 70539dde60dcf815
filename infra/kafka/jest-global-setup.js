// jest globalSetup for suites that need Kafka: starts the project's broker (harmless when it runs),
// unless KAFKA_BROKERS points at another one.
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export default function startKafkaForTests() {
  if (process.env.KAFKA_BROKERS) return;
  const script = join(dirname(fileURLToPath(import.meta.url)), 'kafka.sh');
  execFileSync('bash', [script, 'start'], { stdio: 'inherit' });
}
