import { type ChildProcess, spawnSync } from 'node:child_process';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSandboxEhr, FHIR_BASE_PATH, loadBundle, SEED_PATIENTS } from '@aloe/sandbox-ehr';
import { startServiceProcess, testKafkaBrokers, uniqueName, waitFor } from '@aloe/shared/testing';
import { afterAll, describe, expect, it } from '@jest/globals';

const children: ChildProcess[] = [];
let ehrServer: Server | undefined;
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  if (ehrServer) await new Promise((resolve) => ehrServer!.close(resolve));
});

describe('fhir-adapter start-up', () => {
  it('refuses to start with a bad configuration and names the variable', () => {
    const result = spawnSync(process.execPath, ['dist/main.js'], {
      env: { PATH: process.env.PATH, FHIR_ADAPTER_HTTP_PORT: 'not-a-port', LOG_LEVEL: 'loud' },
      encoding: 'utf8',
    });
    expect(result.status).toBe(78);
    expect(result.stderr).toContain('fhir-adapter: cannot start.');
    expect(result.stderr).toMatch(
      /^ {2}FHIR_ADAPTER_HTTP_PORT: must be a whole number \(got "not-a-port"\)$/m,
    );
    expect(result.stderr).toMatch(/^ {2}LOG_LEVEL: must be one of: fatal, error, warn, info, debug, trace/m);
  });

  it('runs as a process against a real EHR and broker: health, readiness, analyze, then a clean SIGTERM', async () => {
    const ehr = createSandboxEhr();
    for (const patient of SEED_PATIENTS) await loadBundle(ehr.router, ehr.repo, patient.bundle);
    ehrServer = await new Promise<Server>((resolve) => {
      const listening = ehr.app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    const fhirBase = `http://127.0.0.1:${(ehrServer.address() as AddressInfo).port}${FHIR_BASE_PATH}`;
    const { child, lines, ready, exited } = await startServiceProcess({
      readyMessage: 'fhir-adapter ready',
      env: {
        KAFKA_BROKERS: testKafkaBrokers().join(','),
        // Its own topics: the broker may hold a developer's demo history on the real ones.
        KAFKA_TOPIC_PREFIX: `${uniqueName('process-test')}.`,
        FHIR_ADAPTER_HTTP_PORT: '0',
        FHIR_ADAPTER_METRICS_PORT: '0',
        FHIR_ADAPTER_FHIR_BASE_URL: fhirBase,
        FHIR_ADAPTER_API_TOKEN: 'process-test-token',
        FHIR_ADAPTER_GROUP_ID: `fhir-adapter-process-test-${Date.now()}`,
      },
    });
    children.push(child);
    const base = `http://127.0.0.1:${ready.port}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    const analyze = await fetch(`${base}/api/v1/patients/aloe-child/analyze`, {
      method: 'POST',
      headers: { authorization: 'Bearer process-test-token' },
    });
    expect(analyze.status).toBe(202);
    const { contextId } = (await analyze.json()) as { contextId: string };
    await waitFor(
      () => lines.some((line) => line.msg === 'patient context published' && line.contextId === contextId),
      {
        what: 'the context to be published',
      },
    );
    // The read reached the EHR as a FHIR AuditEvent too, through the audit topic, off the request.
    const auditEvents = await waitFor(
      async () => {
        const response = await fetch(`${fhirBase}/AuditEvent?_count=100`, {
          headers: { accept: 'application/fhir+json' },
        });
        const bundle = (await response.json()) as {
          entry?: Array<{ resource: { entity?: Array<{ what?: { identifier?: { value?: string } } }> } }>;
        };
        const mine = (bundle.entry ?? []).filter((entry) =>
          entry.resource.entity?.some((entity) => entity.what?.identifier?.value === contextId),
        );
        return mine.length > 0 ? mine : undefined;
      },
      { what: 'the AuditEvent of the read', timeoutMs: 30_000 },
    );
    expect(auditEvents).toHaveLength(1);
    const metrics = await waitFor(
      async () => {
        const text = await (await fetch(`http://127.0.0.1:${ready.metricsPort}/metrics`)).text();
        return /^aloe_fhir_audit_events_total\{outcome="created"[^}]*\} [1-9]/m.test(text) ? text : undefined;
      },
      { what: 'the AuditEvent counted' },
    );
    expect(metrics).toContain('process_cpu_seconds_total');

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    // Logs carry pseudonyms and counts, never the patient's name or birth date.
    const logText = JSON.stringify(lines);
    expect(logText).not.toContain('Youngling');
    expect(logText).not.toContain('2020-05-09');
  });
});
