// The five systems of the Aloe seed paper, each served from its test model (real template, real
// special-token ids and eos, split files for 70B/72B; weights biased to answer "Aloe" and end the turn)
// through the real service: no grammar anywhere, so the stop rules alone end the turn.
import { access } from 'node:fs/promises';
import { ALOE_SYSTEM_PROMPT, type ModelInfo__Output } from '@aloe/shared/grpc';
import { describe, expect, it } from '@jest/globals';
import { generate, generateStream, startHarness, user } from '../../test/inference-harness.js';
import { generateTokens } from '../generate/generate-tokens.js';
import { renderPrompt } from '../generate/render-prompt.js';
import { SEED_TEST_MODEL_REPLY } from '../test-model/seed-test-models.js';
import { digestCachePath, modelDigest } from './model-files.js';
import { SEED_MODELS, type SeedModelKey } from './seed-models.js';

const TODAY = new Date('2026-03-05T12:00:00Z');

const expected: Record<
  SeedModelKey,
  { endOfTurn: [number, string]; stops: number[]; parts: number; context: number; architecture: string }
> = {
  'llama3-aloe-8b-alpha': {
    endOfTurn: [128_009, '<|eot_id|>'],
    stops: [128_001, 128_009],
    parts: 1,
    context: 8_192,
    architecture: 'llama',
  },
  'llama3.1-aloe-beta-8b': {
    endOfTurn: [128_009, '<|eot_id|>'],
    stops: [128_001, 128_008, 128_009],
    parts: 1,
    context: 16_384,
    architecture: 'llama',
  },
  'llama3.1-aloe-beta-70b': {
    endOfTurn: [128_009, '<|eot_id|>'],
    stops: [128_001, 128_008, 128_009],
    parts: 3,
    context: 16_384,
    architecture: 'llama',
  },
  'qwen2.5-aloe-beta-7b': {
    endOfTurn: [151_645, '<|im_end|>'],
    // <|endoftext|>, <|im_end|>; llama.cpp also ends on Qwen's FIM tokens (fim_pad, repo_name, file_sep).
    stops: [151_643, 151_645, 151_662, 151_663, 151_664],
    parts: 1,
    context: 16_384,
    architecture: 'qwen2',
  },
  'qwen2.5-aloe-beta-72b': {
    endOfTurn: [151_645, '<|im_end|>'],
    stops: [151_643, 151_645, 151_662, 151_663, 151_664],
    parts: 3,
    context: 16_384,
    architecture: 'qwen2',
  },
};

const modelInfo = (harness: Awaited<ReturnType<typeof startHarness>>) =>
  new Promise<ModelInfo__Output>((resolve, reject) =>
    harness.client.GetModelInfo({}, (error, info) => (error ? reject(error) : resolve(info!))),
  );

describe.each(Object.keys(expected) as SeedModelKey[])('the %s test model, served', (key) => {
  const want = expected[key];
  const seed = SEED_MODELS[key];

  it('ends its turn at the end-of-turn token (no grammar), and returns the exact prompt it saw', async () => {
    const harness = await startHarness({
      seedModel: key,
      sequences: 1,
      contextSize: 32_768,
      today: () => TODAY,
    });
    try {
      const info = await modelInfo(harness);
      // Identity: the model, its template id, every part and one digest over them.
      expect(info.identity).toMatchObject({
        seedModel: seed.name,
        architecture: want.architecture,
        quantization: 'Q8_0',
        testModel: true,
      });
      expect(info.identity?.name).toContain(seed.name);
      expect(info.identity?.chatTemplate).toMatch(
        new RegExp(`^${seed.template.replace('.', '\\.')}@sha256:`),
      );
      const parts = info.identity?.parts ?? [];
      expect(parts).toHaveLength(want.parts);
      expect(info.identity?.fileSha256).toBe(modelDigest(parts));
      // Each part's digest is cached beside it, so a restart does not read the files again.
      for (const file of harness.loaded!.files)
        await expect(access(digestCachePath(file))).resolves.toBeUndefined();
      // Stops: derived from the template and metadata, whatever the file's eos.
      expect(info.stopTokens.map((stop) => stop.id)).toEqual(want.stops);
      const endOfTurn = info.stopTokens.find((stop) => stop.id === want.endOfTurn[0]);
      expect(endOfTurn?.text).toBe(want.endOfTurn[1]);
      expect(endOfTurn?.sources).toContain('template end-of-turn');
      // Defaults from the card: sampling 0.6 / 0.9, context capped at what the card advises.
      expect(info.defaults?.temperature).toBeCloseTo(0.6, 5);
      expect(info.defaults?.topP).toBeCloseTo(0.9, 5);
      expect(info.defaults?.maxContextTokens).toBe(want.context);
      expect(info.contextSize).toBe(want.context);
      expect(info.licence?.nonCommercial).toBe(key === 'llama3-aloe-8b-alpha');
      expect(info.chatTemplateText).toBe(harness.loaded!.template.text);

      const response = await generate(harness.client, { messages: [user('Hi')], maxTokens: 64 });
      expect(response.text).toBe(SEED_TEST_MODEL_REPLY);
      expect(response.stopReason).toBe('STOP_REASON_EOG');
      expect(response.stopToken).toMatchObject({ id: want.endOfTurn[0], text: want.endOfTurn[1] });
      expect(response.usage?.completionTokens).toBe(SEED_TEST_MODEL_REPLY.length);

      // The audited prompt is the prompt: the template's own rendering, date and Aloe's prompt included.
      const expectedPrompt = await renderPrompt(
        harness.loaded!.template,
        harness.loaded!.tokenizePrompt,
        [
          { role: 'system', content: ALOE_SYSTEM_PROMPT },
          { role: 'user', content: 'Hi' },
        ],
        TODAY,
      );
      expect(response.prompts).toHaveLength(1);
      expect(response.prompts[0]).toMatchObject({
        text: expectedPrompt.text,
        tokenCount: expectedPrompt.tokens.length,
        sha256: expectedPrompt.sha256,
        templateId: info.identity?.chatTemplate,
      });
      expect(response.prompts[0]?.messages.map((message) => message.content)).toEqual([
        ALOE_SYSTEM_PROMPT,
        'Hi',
      ]);
      if (seed.template === 'llama-3.1-instruct') {
        expect(response.prompts[0]?.text).toContain('Today Date: 05 Mar 2026\n\n');
        expect(response.prompts[0]?.variables.date_string).toBe('05 Mar 2026');
      }
      expect(response.usage?.promptTokens).toBe(expectedPrompt.tokens.length);

      const { done } = generateStream(harness.client, { messages: [user('Hi')], maxTokens: 64 });
      const chunks = await done;
      expect(
        chunks
          .filter((chunk) => chunk.chunk === 'textDelta')
          .map((chunk) => chunk.textDelta)
          .join(''),
      ).toBe(SEED_TEST_MODEL_REPLY);
      expect(chunks.at(-1)?.final?.stopToken?.id).toBe(want.endOfTurn[0]);
    } finally {
      await harness.close();
    }
  });
});

describe('the stop rules are what ends the turn', () => {
  it('a server that stopped only at Alpha’s eos would run past the end of the turn', async () => {
    const harness = await startHarness({ seedModel: 'llama3-aloe-8b-alpha', sequences: 1 });
    const context = await harness.loaded!.model.createContext({
      contextSize: 1024,
      sequences: 1,
      threads: 1,
    });
    try {
      const prompt = await renderPrompt(
        harness.loaded!.template,
        harness.loaded!.tokenizePrompt,
        [{ role: 'user', content: 'Hi' }],
        TODAY,
      );
      const sequence = context.getSequence();
      const run = (stops: number[]) =>
        generateTokens({
          sequence,
          prompt: prompt.tokens,
          stops: new Set(stops),
          maxTokens: 32,
          sampling: {},
          signal: new AbortController().signal,
        });
      // eos-only (<|end_of_text|>, 128001), as Alpha's config says: the model writes a new header and goes on.
      const eosOnly = await run([128_001]);
      expect(eosOnly.text).toBe(`${SEED_TEST_MODEL_REPLY}USER`);
      expect(eosOnly.stopToken).toBe(128_001);
      // The service's stops for Alpha.
      const served = await run(harness.loaded!.stops.map((stop) => stop.id));
      expect(served.text).toBe(SEED_TEST_MODEL_REPLY);
      expect(served.stopToken).toBe(128_009);
    } finally {
      await context.dispose();
      await harness.close();
    }
  });

  it('refuses a prompt that does not fit the context instead of cutting it', async () => {
    const harness = await startHarness({
      seedModel: 'llama3.1-aloe-beta-8b',
      sequences: 1,
      contextSize: 512,
    });
    try {
      const error = await generate(harness.client, { messages: [user('x'.repeat(600))] }).catch((e) => e);
      expect(error.code).toBe(3); // INVALID_ARGUMENT
      expect(error.details).toMatch(
        /rendered prompt is \d+ tokens and max_tokens is 256; this model's context holds 512 tokens/,
      );
    } finally {
      await harness.close();
    }
  });
});
