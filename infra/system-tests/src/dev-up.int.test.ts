// `bash infra/dev.sh up` after its build: infra/demo/run-up.mjs on ports of its own must bring the stack
// up, print URLs that answer, and on Ctrl-C (SIGINT) stop every process it started and exit 0.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { uniqueName, waitFor } from '@aloe/shared/testing';
import { afterAll, describe, expect, it } from '@jest/globals';
import { brokerNotRestartable } from './harness/broker.js';
import { freePort, repoRoot } from './harness/service.js';

/** The processes whose parent is `pid` (Linux /proc). */
function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        // stat: pid (comm) state ppid …; comm may hold spaces, so read after its closing parenthesis.
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
      } catch {
        return false; // gone meanwhile
      }
    })
    .map(Number);
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const portOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

const leftovers: number[] = [];
afterAll(() => {
  for (const pid of leftovers.filter(alive)) process.kill(pid, 'SIGKILL');
});

// run-up starts the broker when it is down and leaves a running one alone: the test runs it beside the
// broker of the jest global setup, which must then be the project's own.
const skip = brokerNotRestartable();
if (skip) console.warn(`dev.sh up test skipped: ${skip}`);

describe('bash infra/dev.sh up (infra/demo/run-up.mjs)', () => {
  (skip ? it.skip : it)(
    'serves on the ports it is given, prints URLs that answer, and stops everything on Ctrl-C',
    async () => {
      const ports = {
        SANDBOX_EHR_PORT: await freePort(),
        FHIR_ADAPTER_HTTP_PORT: await freePort(),
        GUARDRAILS_HTTP_PORT: await freePort(),
        INFERENCE_GRPC_PORT: await freePort(),
        INFERENCE_METRICS_PORT: await freePort(),
        GUARDRAILS_METRICS_PORT: await freePort(),
        FHIR_ADAPTER_METRICS_PORT: await freePort(),
      };
      const up = spawn(process.execPath, [join(repoRoot, 'infra/demo/run-up.mjs')], {
        cwd: repoRoot,
        env: {
          ...process.env,
          ...Object.fromEntries(Object.entries(ports).map(([name, port]) => [name, String(port)])),
          // Topics of its own: the broker may hold a developer's demo history on the real ones.
          KAFKA_TOPIC_PREFIX: `${uniqueName('dev-up-test')}.`,
          // An audit log of its own, gone with the run: the demo's on-disk log stays the developer's.
          GUARDRAILS_AUDIT_DATABASE_URL: 'pglite:memory',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
        // A process group of its own, as a terminal gives a command: Ctrl-C signals the whole group.
        detached: true,
      });
      leftovers.push(up.pid!);
      let output = '';
      up.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
      });
      up.stderr!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
      });
      const exited = new Promise<number | null>((resolve) => up.once('exit', resolve));
      await waitFor(() => output.includes('Ctrl-C stops everything.'), {
        what: '"Ctrl-C stops everything."',
        timeoutMs: 150_000,
        intervalMs: 200,
      }).catch((error: Error) => {
        throw new Error(`${error.message}\n--- run-up output ---\n${output}`);
      });
      const services = childrenOf(up.pid!);
      leftovers.push(...services);
      expect(services.length).toBeGreaterThanOrEqual(4); // the EHR and the three services

      // The URLs it printed, on the ports it was given.
      const urls = [...output.matchAll(/https?:\/\/[^\s)]+/g)].map(([url]) => url);
      const launch = urls.find((url) => url.includes('/ehr/launch?'));
      expect(launch).toContain(`127.0.0.1:${ports.SANDBOX_EHR_PORT}/ehr/launch?`);
      const launched = await fetch(launch!, { redirect: 'manual' });
      expect(launched.status).toBe(302);
      expect(launched.headers.get('location')).toMatch(
        new RegExp(`^http://127\\.0\\.0\\.1:${ports.FHIR_ADAPTER_HTTP_PORT}/sidebar/launch\\?`),
      );
      const compliance = urls.find((url) => url.endsWith('/compliance'));
      expect(compliance).toBe(`http://127.0.0.1:${ports.GUARDRAILS_HTTP_PORT}/compliance`);
      expect((await fetch(compliance!)).status).toBe(200);
      const metrics = urls.filter((url) => url.endsWith('/metrics'));
      expect(metrics.sort()).toEqual(
        [ports.FHIR_ADAPTER_METRICS_PORT, ports.GUARDRAILS_METRICS_PORT, ports.INFERENCE_METRICS_PORT]
          .map((port) => `http://127.0.0.1:${port}/metrics`)
          .sort(),
      );
      for (const url of metrics) expect((await fetch(url)).status).toBe(200);

      process.kill(-up.pid!, 'SIGINT'); // Ctrl-C
      expect(await exited).toBe(0);
      expect(services.filter(alive)).toEqual([]);
      const stillOpen: number[] = [];
      for (const port of Object.values(ports)) if (await portOpen(port)) stillOpen.push(port);
      expect(stillOpen).toEqual([]);
    },
    240_000,
  );
});
