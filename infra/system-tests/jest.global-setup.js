// jest globalSetup of the system tests: the project's Kafka broker (infra/kafka) and the guardrails'
// harm rail model (infra/models/fetch-harm-model.sh; a no-op once its files check out), which the
// spawned guardrails need to start.
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import startKafkaForTests from '../kafka/jest-global-setup.js';

export default function setUpSystemTests() {
  startKafkaForTests();
  if (process.env.GUARDRAILS_HARM_MODEL_DIR) return;
  const script = join(dirname(fileURLToPath(import.meta.url)), '../models/fetch-harm-model.sh');
  execFileSync('bash', [script], { stdio: 'inherit' });
}
