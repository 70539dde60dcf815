// Starts the real inference service as its own process (its built main.js, the generated test model)
// on a free port; services never import each other, so the tests and the benchmark run the other one
// as a program.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export async function startInferenceProcess(): Promise<{ address: string; stop: () => Promise<void> }> {
  const modelsDir = await mkdtemp(join(tmpdir(), 'aloe-guardrails-inference-'));
  // services/guardrails/{src,dist}/bench → services/inference/dist/main.js
  const main = fileURLToPath(new URL('../../../inference/dist/main.js', import.meta.url));
  const child: ChildProcess = spawn(process.execPath, [main], {
    env: {
      PATH: process.env.PATH,
      INFERENCE_GRPC_PORT: '0',
      INFERENCE_METRICS_PORT: '0',
      INFERENCE_MODELS_DIR: modelsDir,
      INFERENCE_PARALLEL_SEQUENCES: '2',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((done, fail) => {
    let listening: number | undefined;
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const entry = JSON.parse(line) as { msg?: string; port?: number };
      if (entry.msg === 'gRPC server listening; loading the model') listening = entry.port;
      if (entry.msg === 'serving' && listening) done(listening);
    });
    child.once('exit', (code) => fail(new Error(`the inference service exited with ${code}`)));
  });
  return {
    address: `127.0.0.1:${port}`,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((done) => child.once('exit', done));
      await rm(modelsDir, { recursive: true, force: true });
    },
  };
}
