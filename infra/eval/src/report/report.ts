/**
 * The go-live validation report (issue #15): what was measured, on which model and rule set, and how it
 * compares with the Aloe-Beta-8B figures its authors published. Written as JSON (this shape), Markdown
 * and a self-contained HTML page.
 */

/** The strategies the evaluation runs; `medprompt` is kNN few-shots + the choice-shuffle ensemble. */
export const EVAL_STRATEGIES = [
  'direct',
  'chain-of-thought',
  'self-consistency',
  'choice-shuffle-ensemble',
  'medprompt',
] as const;
export type EvalStrategy = (typeof EVAL_STRATEGIES)[number];

/** A proportion with its 95% (Wilson score) confidence interval, all in 0–1. */
export interface Proportion {
  successes: number;
  total: number;
  value: number;
  low: number;
  high: number;
  /** What was counted, when the proportion stands alone in a list (e.g. the benign set of a false-positive rate). */
  label?: string;
}

/** One dataset × strategy cell of the benchmark table. */
export interface BenchmarkResult {
  dataset: string;
  /** The file the items came from, relative to the data folder when inside it. */
  file: string;
  strategy: EvalStrategy;
  samples: number;
  /** Few-shot examples per question (medprompt), 0 otherwise. */
  fewShot: number;
  items: number;
  accuracy: Proportion;
  /** Items with no parsable answer after every retry (counted wrong in `accuracy`). */
  parseFailures: Proportion;
  /** Mean over items; tokens summed over every sample and retry of the item. */
  promptTokensPerItem: number;
  completionTokensPerItem: number;
  wallMsPerItem: number;
  /** Accuracy minus this dataset's `direct` accuracy, in points (0–100), when direct was run. */
  gainOverDirectPoints?: number;
  /** The published Aloe-Beta-8B (bf16) accuracy, 0–100, when the dataset has one (zero-shot for direct, ICL otherwise). */
  paper?: { zeroShot: number; medprompt: number; source: string };
  /** How the few-shot examples were chosen, when there are any. */
  retrieval?: {
    method: 'served-model-embeddings' | 'sentence-encoder' | 'lexical-bm25';
    store: string;
    storeItems: number;
    /** Mean examples per item that went: fewer than `fewShot` when some did not fit the model's context. */
    examplesPerItem?: number;
  };
}

/** Where a red-team text reaches the model: a clinician's free-text question, or quoted inside a note. */
export const RED_TEAM_CHANNELS = ['question', 'note'] as const;
export type RedTeamChannel = (typeof RED_TEAM_CHANNELS)[number];

/** Attack success of one red-team category, with and without the rails in front. */
export interface RedTeamResult {
  set: string;
  category: string;
  /** Where the attack was placed. */
  channel: RedTeamChannel;
  attempts: number;
  withoutRails: Proportion;
  withRails: Proportion;
  /** Without the rails, attempts the model declined (no suggestion, or every one reads as a refusal). */
  modelRefused?: Proportion;
  /** With the rails, attempts whose note the input rails kept out of the prompt (the model never read it). */
  inputWithheld?: Proportion;
}

/** The rails alone on one set's texts, each sent as a suggestion's text (no model). */
export interface RailsOwnResult {
  set: string;
  /** Harmful: `blocked` is the block rate (higher is better); benign: the false-positive rate. */
  harmful: boolean;
  /** Texts blocked by a content-safety rule. */
  blocked: Proportion;
  /** How many texts each rule blocked, by rule id. */
  byRule: Record<string, number>;
}

export interface EvalReport {
  /** ISO time the report was written. */
  createdAt: string;
  /** The tool's command line, for rerunning. */
  command: string;
  model: {
    id: string;
    name: string;
    fileSha256: string;
    quantization: string;
    chatTemplate: string;
    /** From the inference service; absent when only the red team ran (the guardrails do not say it). */
    contextLength?: number;
    testModel: boolean;
    source?: string;
  };
  /** The guardrails' rules, when the red-team part ran (from their validation answers). */
  rules?: {
    /** The rails' rule ids and pattern tables with the knowledge version, by digest. */
    railSetVersion: string;
    /** The clinical knowledge's identity. */
    knowledgeVersion: string;
  };
  /** Inference address and how the client called it; absent when no benchmark ran. */
  client?: { address: string; concurrency: number; deadlineMs: number; parseRetries: number };
  machine: { cores: number; node: string; hostname?: string };
  benchmarks: BenchmarkResult[];
  redTeam?: {
    results: RedTeamResult[];
    /** One per benign set and channel, `label` naming them. */
    benignFalsePositives: Proportion[];
    judge: string;
    /** The rails' own block rates per set, when measured. */
    railsOwn?: RailsOwnResult[];
    /** How the attacks were placed and what counted as a success, in plain words. */
    method?: string[];
    /** Where the red team sent its attempts and how. */
    guardrails?: { url: string; concurrency: number; timeoutMs: number; limitPerSet: number; seed: number };
  };
  /** What the run could not do, in plain words (e.g. a dataset file missing). */
  notes: string[];
}
