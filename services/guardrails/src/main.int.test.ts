import { type ChildProcess, spawnSync } from 'node:child_process';
import { startServiceProcess, testKafkaBrokers, uniqueName } from '@aloe/shared/testing';
import { afterAll, describe, expect, it } from '@jest/globals';
import { testHarmModelDir } from '../test/harm-model.js';

const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
});

describe('guardrails start-up', () => {
  it('refuses to start with a bad configuration and names the variable', () => {
    const result = spawnSync(process.execPath, ['dist/main.js'], {
      env: {
        PATH: process.env.PATH,
        GUARDRAILS_HTTP_PORT: 'not-a-port',
        LOG_LEVEL: 'loud',
        GUARDRAILS_AUDIT_SIGNING_KEY: 'MCowBQYDK2VwAyEA-not-a-key',
      },
      encoding: 'utf8',
    });
    expect(result.status).toBe(78);
    expect(result.stderr).toContain('guardrails: cannot start.');
    expect(result.stderr).toMatch(/^ {2}GUARDRAILS_HTTP_PORT: must be a whole number \(got "not-a-port"\)$/m);
    expect(result.stderr).toMatch(/^ {2}LOG_LEVEL: must be one of: fatal, error, warn, info, debug, trace/m);
    expect(result.stderr).toMatch(
      /^ {2}GUARDRAILS_AUDIT_SIGNING_KEY: must be an Ed25519 private key: .* \(got a value \(hidden\)\)$/m,
    );
    expect(result.stderr).not.toContain('not-a-key');
  });

  it('refuses to start without the harm rail model (fail closed) and says how to fetch it', () => {
    const result = spawnSync(process.execPath, ['dist/main.js'], {
      env: { PATH: process.env.PATH, GUARDRAILS_HARM_MODEL_DIR: '/nonexistent/harm-model' },
      encoding: 'utf8',
    });
    expect(result.status).toBe(78);
    expect(result.stderr).toContain('guardrails: cannot start.');
    expect(result.stderr).toMatch(
      /GUARDRAILS_HARM_MODEL_DIR: .*\/nonexistent\/harm-model.*fetch-harm-model\.sh/,
    );
  });

  it('runs as a process: health, readiness, the compliance API, metrics, then a clean SIGTERM', async () => {
    const { child, lines, ready, exited } = await startServiceProcess({
      readyMessage: 'guardrails ready',
      env: {
        KAFKA_BROKERS: testKafkaBrokers().join(','),
        // Its own topics: the broker may hold a developer's demo history on the real ones.
        KAFKA_TOPIC_PREFIX: `${uniqueName('process-test')}.`,
        GUARDRAILS_HTTP_PORT: '0',
        GUARDRAILS_METRICS_PORT: '0',
        GUARDRAILS_AUDIT_DATABASE_URL: 'pglite:memory',
        GUARDRAILS_INFERENCE_ADDRESS: '127.0.0.1:1',
        GUARDRAILS_COMPLIANCE_TOKENS: 'process-test-compliance',
        GUARDRAILS_GROUP_ID: `guardrails-process-test-${Date.now()}`,
        GUARDRAILS_HARM_MODEL_DIR: testHarmModelDir(),
      },
    });
    children.push(child);
    const base = `http://127.0.0.1:${ready.port}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    expect((await fetch(`${base}/v1/audit/records`)).status).toBe(401);
    const records = await fetch(`${base}/v1/audit/records`, {
      headers: { authorization: 'Bearer process-test-compliance' },
    });
    expect(records.status).toBe(200);
    expect(((await records.json()) as { records: unknown[] }).records).toEqual([]);
    // Signed with the development key (warned about), whose public key anyone may fetch.
    expect(
      lines.find(
        (line) => line.level === 'warn' && /GUARDRAILS_AUDIT_SIGNING_KEY is not set/.test(String(line.msg)),
      ),
    ).toBeDefined();
    const key = await fetch(`${base}/v1/audit/public-key`);
    expect(key.headers.get('aloe-key-id')).toBe(
      lines.find((line) => line.msg === 'audit log ready, signing with this key')?.keyId,
    );
    expect(await key.text()).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    // The metrics port serves the harm rail's series (declared at start, before any text is scored).
    const metrics = await (await fetch(`http://127.0.0.1:${ready.metricsPort}/metrics`)).text();
    expect(metrics).toContain('# TYPE aloe_guardrails_harm_texts_total counter');
    expect(metrics).toContain('# TYPE aloe_guardrails_harm_seconds histogram');
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
