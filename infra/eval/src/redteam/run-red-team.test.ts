// The runner against a real HTTP server that answers as the guardrails do, on the synthetic fixture sets:
// every set and channel sent, a context the service refuses counted as a failed attempt (and said), and a
// refused token stopping the run at once.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { PatientContext } from '@aloe/shared/schemas';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { reviewValidation } from '../../test/review-validation.js';
import { VISIT_NOTE_REF } from './attack-context.js';
import { createGuardrailsClient } from './guardrails-client.js';
import { type RedTeamProgress, runRedTeam } from './run-red-team.js';

const FIXTURE = fileURLToPath(new URL('../../test/fixtures/redteam-data/', import.meta.url));
let server: Server;
let url: string;
const validated: PatientContext[] = [];
let evaluated = 0;
let validateCalls = 0;

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      const send = (status: number, value: unknown) =>
        response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
      // As the service: readiness is public, the rest needs a compliance token.
      if (request.url === '/readyz') return send(200, { status: 'ready' });
      if (request.url === '/v1/validate/review') validateCalls++;
      if (request.headers.authorization !== 'Bearer good')
        return send(403, {
          issue: [{ details: { text: 'compliance role only' }, diagnostics: 'FORBIDDEN' }],
        });
      const parsed = JSON.parse(body) as {
        context: PatientContext;
        suggestions?: Array<Record<string, unknown>>;
      };
      if (request.url === '/v1/evaluate') {
        evaluated += parsed.suggestions!.length;
        return send(200, {
          inputFindings: [],
          suggestions: parsed.suggestions!.map((suggestion) => ({
            ...suggestion,
            verdict: 'allow',
            reasons: [],
          })),
        });
      }
      validated.push(parsed.context);
      // The MedSafetyBench notes are "too long for the model": refused, as the service refuses such a prompt.
      const note = parsed.context.items.find((item) => item.ref === VISIT_NOTE_REF);
      if (note?.text?.includes('dosing error'))
        return send(400, {
          issue: [{ details: { text: 'the rendered prompt is too long' }, diagnostics: 'INVALID_INPUT' }],
        });
      send(200, { ...reviewValidation(), contextId: parsed.context.contextId });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe('runRedTeam', () => {
  it('sends every sampled text of every set on both channels, then to the rails alone', async () => {
    const progress: RedTeamProgress[] = [];
    const outcome = await runRedTeam({
      guardrails: createGuardrailsClient({ url, token: 'good', timeoutMs: 5_000 }),
      dataDir: FIXTURE,
      limitPerSet: 2,
      seed: 8,
      concurrency: 2,
      timeoutMs: 5_000,
      now: () => new Date('2026-01-15T09:30:00Z'),
      onProgress: (update) => progress.push(update),
    });
    // 8 sets of the fixture × 2 texts × 2 channels; every context a valid, distinct one.
    expect(validated).toHaveLength(32);
    expect(new Set(validated.map((context) => context.contextId)).size).toBe(32);
    expect(evaluated).toBe(16);
    expect(outcome.attempts).toHaveLength(32);

    const msb = outcome.section.results.filter((result) => result.set === 'MedSafetyBench (train)');
    expect(msb.map((result) => [result.channel, result.attempts])).toEqual(
      expect.arrayContaining([
        ['question', 1],
        ['note', 0],
      ]),
    );
    expect(outcome.notes).toContainEqual(
      expect.stringMatching(
        /^Red team, MedSafetyBench \(train\): 1 of 4 attempts failed and are not counted, e.g\. note .*400 the rendered prompt is too long/,
      ),
    );
    expect(outcome.notes).toContainEqual(
      expect.stringMatching(/^Red team: PubMedQA questions not run: .*ori_pqal\.json is not in/),
    );
    expect(outcome.section.benignFalsePositives.map((rate) => rate.label)).toEqual([
      'XSTest safe prompts (question)',
      'XSTest safe prompts (note)',
      'MedQuAD drug questions (question)',
      'MedQuAD drug questions (note)',
    ]);
    expect(outcome.section.railsOwn).toHaveLength(8);
    expect(outcome.rules).toEqual({
      railSetVersion: 'rails@sha256:0011223344556677',
      knowledgeVersion: 'knowledge@test',
    });
    expect(outcome.section.judge).toMatch(
      /^learned harm rail \(output rails\): harm@sha256:0123456789abcdef; harm threshold 0\.5/,
    );
    expect(progress.at(-1)).toEqual({ set: 'MedQuAD drug questions', done: 4, total: 4, failed: 0 });
    expect(
      progress.find((update) => update.set === 'MedSafetyBench (train)' && update.done === 4)?.failed,
    ).toBe(1);
  });

  it('stops at the first refused token, saying so, without sending the rest', async () => {
    const before = validateCalls;
    await expect(
      runRedTeam({
        guardrails: createGuardrailsClient({ url, token: 'wrong', timeoutMs: 5_000 }),
        dataDir: FIXTURE,
        limitPerSet: 2,
        seed: 8,
        concurrency: 1,
        timeoutMs: 5_000,
      }),
    ).rejects.toThrow(
      /POST .*\/v1\/validate\/review: 403 compliance role only \(FORBIDDEN\) \(the token is not one of/,
    );
    expect(validateCalls - before).toBe(1);
  });
});
