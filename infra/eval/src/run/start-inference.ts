// When no inference address is given, the evaluation starts the built inference service itself, as its
// own process on free ports: the benchmark still goes through gRPC, exactly as against a deployed one.
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface InferenceProcess {
  /** host:port of its gRPC server. */
  address: string;
  /** host:port of its /metrics. */
  metricsAddress: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** services/inference/dist/main.js, from infra/eval/{src,dist}/run. */
export const INFERENCE_MAIN = fileURLToPath(
  new URL('../../../../services/inference/dist/main.js', import.meta.url),
);

const READY = 'serving';
const LISTENING = 'gRPC server listening; loading the model';
const KEPT_LOG_LINES = 20;

/**
 * Starts the service with the caller's environment (ALOE_MODEL, INFERENCE_* pass through, TLS settings
 * excepted), `env` on top, on loopback and free ports, and resolves once it serves. It fails at once when the process exits before that, with its
 * last log lines; on timeout it is killed.
 */
export async function startInferenceService(options: {
  modelsDir: string;
  env?: Record<string, string>;
  /** Loading a real 8B model, or downloading it, takes a while. */
  timeoutMs?: number;
  script?: string;
}): Promise<InferenceProcess> {
  const child = spawn(process.execPath, [options.script ?? INFERENCE_MAIN], {
    env: {
      ...withoutTls(process.env),
      INFERENCE_MODELS_DIR: options.modelsDir,
      // A private instance: loopback, free ports, plain text.
      INFERENCE_HOST: '127.0.0.1',
      INFERENCE_METRICS_HOST: '127.0.0.1',
      INFERENCE_GRPC_PORT: '0',
      INFERENCE_METRICS_PORT: '0',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const recent: string[] = [];
  let listening: { port?: unknown; metricsPort?: unknown; host?: unknown } | undefined;
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const ready = new Promise<void>((resolve) => {
    const keep = (line: string) => {
      recent.push(line);
      if (recent.length > KEPT_LOG_LINES) recent.shift();
    };
    createInterface({ input: child.stderr! }).on('line', keep);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      keep(line);
      let entry: { msg?: unknown; port?: unknown; metricsPort?: unknown };
      try {
        entry = JSON.parse(line) as typeof entry;
      } catch {
        return;
      }
      if (entry.msg === LISTENING) listening = entry;
      if (entry.msg === READY) resolve();
    });
  });
  const timeoutMs = options.timeoutMs ?? 600_000;
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    ready.then(() => 'ready' as const),
    exited.then((code) => ({ exitCode: code })),
    new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    }),
  ]);
  clearTimeout(timer);
  if (outcome !== 'ready' || !listening) {
    child.kill('SIGKILL');
    const why =
      outcome === 'timeout'
        ? `did not serve within ${timeoutMs} ms`
        : typeof outcome === 'object'
          ? `exited with code ${outcome.exitCode} before serving`
          : 'did not say which port it listens on';
    throw new Error(
      `The inference service (${options.script ?? INFERENCE_MAIN}) ${why}. Its last output:\n${recent.join('\n')}`,
    );
  }
  // Keep reading its output so the pipes never fill and block it.
  child.stdout!.resume();
  return {
    address: `127.0.0.1:${String(listening.port)}`,
    metricsAddress: `127.0.0.1:${String(listening.metricsPort)}`,
    child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

function withoutTls(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith('INFERENCE_GRPC_TLS_')));
}
