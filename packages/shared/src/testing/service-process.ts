import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { waitFor } from './wait-for.js';

export interface ServiceProcess {
  child: ChildProcess;
  /** Every JSON log line the service wrote to stdout, in order. */
  lines: Array<Record<string, unknown>>;
  /** The log line that said the service was ready (its ports, for instance). */
  ready: Record<string, unknown>;
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>;
}

/**
 * Starts a service's built entry point (`dist/main.js`) as its own process, as an operator would, with
 * exactly `env` (and PATH), and waits for the log line that says it is ready. Stop it with
 * `child.kill('SIGTERM')` and await `exited`; kill what is left in the test's afterAll.
 */
export async function startServiceProcess(options: {
  env: Record<string, string>;
  /** The `msg` of the service's ready log line, e.g. `guardrails ready`. */
  readyMessage: string;
  script?: string;
  cwd?: string;
  timeoutMs?: number;
}): Promise<ServiceProcess> {
  const child = spawn(process.execPath, [options.script ?? 'dist/main.js'], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? '', ...options.env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: Array<Record<string, unknown>> = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    try {
      lines.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      lines.push({ msg: line });
    }
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  try {
    const ready = await waitFor(() => lines.find((line) => line.msg === options.readyMessage), {
      what: `"${options.readyMessage}"`,
      timeoutMs: options.timeoutMs ?? 60_000,
    });
    return { child, lines, ready, exited };
  } catch (error) {
    child.kill('SIGKILL'); // never ready: it must not outlive the test
    throw error;
  }
}
