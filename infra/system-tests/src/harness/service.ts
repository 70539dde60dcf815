import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');

/** A log line of a service, with the run (1 = first start, 2 = after a restart …) that wrote it. */
export type LogLine = Record<string, unknown> & { run: number };

interface Run {
  child: ChildProcess;
  exited: Promise<number | null>;
  ready?: Record<string, unknown>;
}

/**
 * One service as an operator runs it: its built entry point as a process, which the test may kill
 * (SIGKILL: a crash, nothing flushed) and start again with the same environment. Keeps every log line of
 * every run, also of a run still starting (a restarted service may work, e.g. answer HTTP, before it
 * says it is ready), so the test can count what each process did.
 */
export class Service {
  private readonly runs: Run[] = [];
  private readonly logged: LogLine[] = [];

  constructor(
    readonly name: string,
    private readonly options: {
      /** The built entry point, relative to the repository root. */
      script: string;
      env: Record<string, string>;
      readyMessage: string;
      timeoutMs?: number;
    },
  ) {}

  /**
   * Starts (again) and resolves with the ready line once the service logs it; rejects when the process
   * exits first or is not ready in time (then it is killed).
   */
  async start(): Promise<Record<string, unknown>> {
    const child = spawn(process.execPath, [join(repoRoot, this.options.script)], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...this.options.env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const runNumber = this.runs.length + 1;
    const run: Run = { child, exited: new Promise((resolve) => child.once('exit', resolve)) };
    this.runs.push(run);
    const timeoutMs = this.options.timeoutMs ?? 120_000;
    run.ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`${this.name} did not log "${this.options.readyMessage}" within ${timeoutMs} ms`));
      }, timeoutMs);
      void run.exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`${this.name} exited (${child.signalCode ?? `code ${code}`}) before it was ready`));
      });
      createInterface({ input: child.stdout! }).on('line', (text) => {
        let line: Record<string, unknown>;
        try {
          line = JSON.parse(text) as Record<string, unknown>;
        } catch {
          line = { msg: text };
        }
        this.logged.push({ ...line, run: runNumber });
        if (line.msg === this.options.readyMessage && !run.ready) {
          clearTimeout(timer);
          resolve(line);
        }
      });
    });
    return run.ready;
  }

  private get latest(): Run {
    const run = this.runs.at(-1);
    if (!run) throw new Error(`${this.name} was never started`);
    return run;
  }

  /** The ready line of the latest run (its ports, for instance). */
  get ready(): Record<string, unknown> {
    const ready = this.latest.ready;
    if (!ready) throw new Error(`${this.name} is not ready`);
    return ready;
  }

  get running(): boolean {
    const { child } = this.latest;
    return child.exitCode === null && child.signalCode === null;
  }

  /** Every log line of every run, in order. */
  lines(): LogLine[] {
    return this.logged;
  }

  /** How many lines with this `msg` the service logged (over all runs, or in one run). */
  count(msg: string, run?: number): number {
    return this.logged.filter((line) => line.msg === msg && (run === undefined || line.run === run)).length;
  }

  /** Writes every log line (NDJSON) to `<dir>/<name>.ndjson`, for reading after a run. */
  async saveLog(dir: string): Promise<void> {
    await mkdir(dir, { recursive: true });
    const text = this.logged.map((line) => JSON.stringify(line)).join('\n');
    await writeFile(join(dir, `${this.name.replaceAll(' ', '-')}.ndjson`), `${text}\n`);
  }

  /** SIGKILL: the process dies at once, with whatever it held uncommitted. */
  async crash(): Promise<void> {
    const { child, exited } = this.latest;
    child.kill('SIGKILL');
    await exited;
  }

  /** What is left running, killed (afterAll). */
  kill(): void {
    for (const { child } of this.runs)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

/** A TCP port free right now on 127.0.0.1 (for a service that must keep its port across a restart). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || !address) throw new Error('no port');
  return address.port;
}
