// jest globalSetup of the guardrails: the project's Kafka broker (infra/kafka) and the harm rail's
// sentence encoder (infra/models/fetch-harm-model.sh; a no-op once its files check out).
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import startKafkaForTests from '../../infra/kafka/jest-global-setup.js';

export default function setUpGuardrailsTests() {
  startKafkaForTests();
  if (process.env.GUARDRAILS_HARM_MODEL_DIR) return;
  const script = join(dirname(fileURLToPath(import.meta.url)), '../../infra/models/fetch-harm-model.sh');
  execFileSync('bash', [script], { stdio: 'inherit' });
}
