// End to end: the red team through the real guardrails process (Kafka, PGlite audit log, its harm rail)
// and the real inference service on its random-weight test model, on a few texts of every public set in
// ../shared/data. The model's text is noise; the report must still be complete, every figure a proportion
// with its interval, and the report's hashes a verified row of the audit log.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ServiceProcess, startServiceProcess, uniqueName } from '@aloe/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { resolveDataDir } from './datasets/dataset.js';
import { contextFor, NOTE_PLACEMENTS } from './redteam/attack-context.js';
import { EVIDENCE_FILE } from './redteam/record-evidence.js';
import { loadRedTeamSets, type RedTeamSet } from './redteam/red-team-sets.js';
import { type Proportion, RED_TEAM_CHANNELS } from './report/report.js';
import { REPO_ROOT } from './run/command-line.js';
import { type EvalOptions, type EvalRun, runEval } from './run/run-eval.js';
import { INFERENCE_MAIN, type InferenceProcess, startInferenceService } from './run/start-inference.js';

const GUARDRAILS_MAIN = join(REPO_ROOT, 'services/guardrails/dist/main.js');
const HARM_MODEL_DIR =
  process.env.GUARDRAILS_HARM_MODEL_DIR ?? join(REPO_ROOT, '.data/models/all-minilm-l6-v2-q');
const DATA_DIR = resolveDataDir({});
const TOKEN = 'redteam-test-compliance';
const LIMIT = 2;

/** The first broker that accepts a connection: KAFKA_BROKERS when set, else the project's ports (dev, CI). */
async function reachableBroker(): Promise<string | undefined> {
  const candidates = process.env.KAFKA_BROKERS
    ? process.env.KAFKA_BROKERS.split(',').map((broker) => broker.trim())
    : [`127.0.0.1:${process.env.KAFKA_PORT ?? '9092'}`, '127.0.0.1:19092'];
  for (const broker of candidates) {
    const [host, port] = [
      broker.slice(0, broker.lastIndexOf(':')),
      Number(broker.slice(broker.lastIndexOf(':') + 1)),
    ];
    const answers = await new Promise<boolean>((resolve) => {
      const socket = connect({ host, port, timeout: 1_000 });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('timeout', () => {
        socket.destroy();
        resolve(false);
      });
      socket.once('error', () => resolve(false));
    });
    if (answers) return broker;
  }
  return undefined;
}

const broker = await reachableBroker();
const hasData =
  existsSync(join(DATA_DIR, 'safety-redteam')) && existsSync(join(DATA_DIR, 'benign-and-overrefusal'));
const skipReason = !hasData
  ? `${DATA_DIR} has no safety-redteam/ and benign-and-overrefusal/`
  : broker === undefined
    ? `no Kafka broker answers (KAFKA_BROKERS, or 127.0.0.1:${process.env.KAFKA_PORT ?? '9092'} / 19092): the guardrails need one to start`
    : undefined;

const sha256Of = async (file: string) =>
  createHash('sha256')
    .update(await readFile(file))
    .digest('hex');

function expectProportion(rate: Proportion, total?: number) {
  if (total !== undefined) expect(rate.total).toBe(total);
  expect(rate.successes).toBeGreaterThanOrEqual(0);
  expect(rate.successes).toBeLessThanOrEqual(rate.total);
  for (const bound of [rate.low, rate.value, rate.high]) {
    expect(bound).toBeGreaterThanOrEqual(0);
    expect(bound).toBeLessThanOrEqual(1);
  }
  expect(rate.low).toBeLessThanOrEqual(rate.value);
  expect(rate.value).toBeLessThanOrEqual(rate.high);
}

(skipReason ? describe.skip : describe)(
  `npm run eval -- --red-team, end to end on the test model${skipReason ? ` (skipped: ${skipReason})` : ''}`,
  () => {
    let work: string;
    let inference: InferenceProcess | undefined;
    let guardrails: ServiceProcess | undefined;
    let base: string;
    let sets: RedTeamSet[];
    let options: EvalOptions;
    let run: EvalRun;
    const compliance = { authorization: `Bearer ${TOKEN}` };

    beforeAll(async () => {
      for (const [what, path, how] of [
        ['the inference service', INFERENCE_MAIN, 'npx turbo run build --filter=@aloe/inference'],
        ['the guardrails service', GUARDRAILS_MAIN, 'npx turbo run build --filter=@aloe/guardrails'],
        ['the harm rail model', join(HARM_MODEL_DIR, 'model.onnx'), 'bash infra/models/fetch-harm-model.sh'],
      ])
        if (!existsSync(path!)) throw new Error(`${what} is missing (${path}): ${how}`);
      work = await mkdtemp(join(tmpdir(), 'aloe-redteam-'));
      sets = (await loadRedTeamSets(DATA_DIR)).sets;
      inference = await startInferenceService({
        modelsDir: join(work, 'models'),
        env: { INFERENCE_PARALLEL_SEQUENCES: '2' },
        timeoutMs: 120_000,
      });
      const runId = uniqueName('redteam');
      guardrails = await startServiceProcess({
        script: GUARDRAILS_MAIN,
        cwd: REPO_ROOT,
        readyMessage: 'guardrails ready',
        timeoutMs: 90_000,
        env: {
          KAFKA_BROKERS: broker!,
          // Its own topics and group: the broker may hold other runs' messages.
          KAFKA_TOPIC_PREFIX: `${runId}.`,
          GUARDRAILS_GROUP_ID: `${runId}-guardrails`,
          GUARDRAILS_HTTP_PORT: '0',
          GUARDRAILS_METRICS_PORT: '0',
          GUARDRAILS_INFERENCE_ADDRESS: inference.address,
          GUARDRAILS_AUDIT_DATABASE_URL: `pglite:${join(work, 'audit')}`,
          GUARDRAILS_COMPLIANCE_TOKENS: TOKEN,
          GUARDRAILS_STAFF_TOKENS: 'redteam-test-staff',
          // The plumbing is under test, not the reasoning: one short direct answer per review.
          GUARDRAILS_STRATEGIES: 'medication-safety=direct',
          // Enough for the test model's JSON (it fills every field); less truncates it and the review fails.
          GUARDRAILS_MAX_TOKENS: '1024',
          GUARDRAILS_HARM_MODEL_DIR: HARM_MODEL_DIR,
        },
      });
      base = `http://127.0.0.1:${String(guardrails.ready.port)}`;
      options = {
        datasets: [],
        strategies: [],
        samples: 1,
        fewShot: 0,
        seed: 8,
        concurrency: 2,
        deadlineMs: 60_000,
        parseRetries: 0,
        maxTokens: 16,
        dataDir: DATA_DIR,
        outDir: join(work, 'report'),
        cacheDir: join(work, 'cache'),
        command: 'npm run eval -- --red-team (test)',
        redTeam: { url: base, token: TOKEN, limitPerSet: LIMIT },
      };
      run = await runEval(options);
    }, 240_000);

    afterAll(async () => {
      if (guardrails) {
        guardrails.child.kill('SIGTERM');
        await guardrails.exited;
      }
      await inference?.stop();
      if (work) await rm(work, { recursive: true, force: true });
    });

    it('reports attack success for every attack set × channel, each a proportion with its interval', () => {
      const redTeam = run.report.redTeam!;
      const attackSets = sets.filter((set) => set.kind === 'attack');
      expect(attackSets.length).toBeGreaterThanOrEqual(5);
      for (const set of attackSets)
        for (const channel of RED_TEAM_CHANNELS) {
          const rows = redTeam.results.filter(
            (result) => result.set === set.name && result.channel === channel,
          );
          expect(rows.length).toBeGreaterThan(0);
          // Every sampled text was sent on this channel, answered or counted as failed in the notes.
          const attempts = rows.reduce((total, row) => total + row.attempts, 0);
          const failed = run.report.notes.some((note) => note.includes(`Red team, ${set.name}:`));
          if (!failed) expect(attempts).toBe(Math.min(LIMIT, set.prompts.length));
          for (const row of rows) {
            for (const rate of [row.withoutRails, row.withRails, row.modelRefused!, row.inputWithheld!])
              expectProportion(rate, row.attempts);
          }
        }
      // The sample spreads over categories: JailbreakBench's two texts are of two categories.
      expect(
        redTeam.results.filter(
          (result) => result.set === 'JailbreakBench behaviours' && result.channel === 'note',
        ),
      ).toHaveLength(2);
    });

    it('reports the false-positive rate of every benign set × channel, labelled', () => {
      const benign = sets.filter((set) => set.kind === 'benign');
      expect(run.report.redTeam!.benignFalsePositives.map((rate) => rate.label)).toEqual(
        benign.flatMap((set) => RED_TEAM_CHANNELS.map((channel) => `${set.name} (${channel})`)),
      );
      for (const rate of run.report.redTeam!.benignFalsePositives) expectProportion(rate);
    });

    it("reports the rails' own block rate for every set, and names the judge, rules and model of the guardrails", () => {
      const { redTeam, rules, model } = run.report;
      expect(redTeam!.railsOwn!.map((result) => [result.set, result.harmful])).toEqual(
        sets.map((set) => [set.name, set.kind === 'attack']),
      );
      for (const result of redTeam!.railsOwn!)
        expectProportion(
          result.blocked,
          Math.min(LIMIT, sets.find((set) => set.name === result.set)!.prompts.length),
        );
      expect(redTeam!.judge).toMatch(/harm rail/);
      expect(rules).toEqual({
        railSetVersion: expect.stringMatching(/^rails@sha256:/),
        knowledgeVersion: expect.any(String),
      });
      expect(model).toMatchObject({ testModel: true, fileSha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
      expect(redTeam!.method!.join('\n')).toMatch(/question: a note written by that clinician/);
      expect(run.report.benchmarks).toEqual([]);
      expect(run.report.client).toBeUndefined();
    });

    it("records the report's hashes in the audit log, a row that verifies, with the receipt beside the report", async () => {
      const { files, evidence } = run;
      expect(evidence).toMatchObject({
        seq: expect.any(Number),
        rowHash: expect.stringMatching(/^[0-9a-f]{64}$/),
        duplicate: false,
      });
      const receipt = JSON.parse(await readFile(join(options.outDir, EVIDENCE_FILE), 'utf8'));
      expect(receipt).toMatchObject({ auditSeq: evidence!.seq, rowHash: evidence!.rowHash });

      const records = (await (
        await fetch(`${base}/v1/audit/records?kind=evidence`, { headers: compliance })
      ).json()) as {
        records: Array<{
          seq: number;
          rowHash: string;
          payload: { files: Array<{ name: string; sha256: string }> };
        }>;
      };
      const row = records.records.find((record) => record.seq === evidence!.seq);
      expect(row?.rowHash).toBe(evidence!.rowHash);
      expect(row!.payload.files).toEqual([
        expect.objectContaining({ name: 'report.json', sha256: await sha256Of(files.json) }),
        expect.objectContaining({ name: 'report.md', sha256: await sha256Of(files.markdown) }),
        expect.objectContaining({ name: 'report.html', sha256: await sha256Of(files.html) }),
      ]);
      expect(records.records).toHaveLength(1);
      const verdict = await (
        await fetch(`${base}/v1/audit/verify`, { method: 'POST', headers: compliance })
      ).json();
      expect(verdict).toMatchObject({ ok: true });
      // A validation decides nothing on the record: no decision row was written.
      const decisions = (await (
        await fetch(`${base}/v1/audit/records?kind=decision`, { headers: compliance })
      ).json()) as {
        records: unknown[];
      };
      expect(decisions.records).toEqual([]);
    });

    it("places the text in a note whose own sentences no rail flags: what the rails catch is the text's doing", async () => {
      const harmless = 'The knee pain is better since Monday.';
      for (let attempt = 0; attempt < NOTE_PLACEMENTS.length; attempt++) {
        const { context, placement } = contextFor(harmless, 'note', {
          key: `neutral-${attempt}`,
          attempt,
          capturedAt: new Date(),
        });
        const response = await fetch(`${base}/v1/evaluate`, {
          method: 'POST',
          headers: { ...compliance, 'content-type': 'application/json' },
          body: JSON.stringify({ context, suggestions: [] }),
        });
        const { inputFindings } = (await response.json()) as { inputFindings: Array<{ ruleId: string }> };
        expect({ placement, findings: inputFindings.map((finding) => finding.ruleId) }).toEqual({
          placement,
          findings: [],
        });
      }
    });

    it('stops at once, saying why, when the token is not a compliance token', async () => {
      const attempt = runEval({
        ...options,
        outDir: join(work, 'report-refused'),
        redTeam: { url: base, token: 'redteam-test-staff', limitPerSet: 1 },
      });
      await expect(attempt).rejects.toThrow(
        /403 .*compliance role only.*the token is not one of GUARDRAILS_COMPLIANCE_TOKENS/,
      );
      expect(existsSync(join(work, 'report-refused'))).toBe(false);
    });
  },
);
