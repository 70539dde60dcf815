// Starts the real inference service as its own process (its built main.js, the generated test model)
// on a free port; services never import each other, so the tests and the benchmark run the other one
// as a program.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServiceProcess } from '@aloe/shared/testing';

export async function startInferenceProcess(): Promise<{ address: string; stop: () => Promise<void> }> {
  const modelsDir = await mkdtemp(join(tmpdir(), 'aloe-guardrails-inference-'));
  const service = await startServiceProcess({
    // services/guardrails/{src,dist}/bench → services/inference/dist/main.js
    script: fileURLToPath(new URL('../../../inference/dist/main.js', import.meta.url)),
    readyMessage: 'serving',
    timeoutMs: 120_000,
    env: {
      INFERENCE_GRPC_PORT: '0',
      INFERENCE_METRICS_PORT: '0',
      INFERENCE_MODELS_DIR: modelsDir,
      INFERENCE_PARALLEL_SEQUENCES: '2',
    },
  });
  const listening = service.lines.find((line) => line.msg === 'gRPC server listening; loading the model');
  return {
    address: `127.0.0.1:${String(listening?.port)}`,
    stop: async () => {
      service.child.kill('SIGTERM');
      await service.exited;
      await rm(modelsDir, { recursive: true, force: true });
    },
  };
}
