import type { ContextItem, PatientContext } from '@aloe/shared/schemas';
import type { HarmClassifier } from '../rails/harm/harm-classifier.js';
import { runInputRails } from '../rails/input/run-input-rails.js';
import { checkHarmfulContent } from '../rails/output/check-content.js';
import { isTrainingExample } from '../training/harm-classifier/split.js';
import { type PromptSet, TRAINING_SETS } from './safety-sets.js';

export interface SafetyRow {
  set: string;
  harmful: boolean;
  prompts: number;
  flagged: number;
  /** Block rate for harmful sets; false-positive rate for benign ones. */
  rate: number;
  byRule: Record<string, number>;
  /** Texts the learned rail's screen was unsure of and sent to the encoder (0–1; 0 for notes). */
  encoderShare: number;
}

const NOTE_CONTEXT = (text: string): PatientContext => ({
  contextId: '00000000-0000-4000-8000-000000000000',
  trigger: { kind: 'api' },
  patient: { ref: 'Patient/p', pseudonym: 'pseudonym-measure-0001', sex: 'unknown' },
  fhirBase: 'http://ehr/fhir/R4',
  capturedAt: '2026-11-24T00:00:00Z',
  items: [{ ref: 'DocumentReference/n', kind: 'note', text } satisfies ContextItem],
  tasks: ['summary'],
});

/** The prompts a set is measured on: the held-out half of a set the classifier trained on, else all. */
export function measuredPrompts(set: PromptSet): string[] {
  return TRAINING_SETS.has(set.name)
    ? set.prompts.filter((prompt) => !isTrainingExample(prompt))
    : set.prompts;
}

/**
 * The content rules' and the learned rail's findings for each text, as a suggestion's text, and
 * whether the learned rail needed its encoder for it.
 */
export async function contentRuleIds(
  texts: readonly string[],
  harm: HarmClassifier,
): Promise<{ ruleIds: string[][]; encoderRead: boolean[] }> {
  const ruleIds: string[][] = [];
  const encoderRead: boolean[] = [];
  for (let start = 0; start < texts.length; start += 32) {
    const batch = texts.slice(start, start + 32);
    const scores = await harm.score(batch);
    for (const [i, text] of batch.entries()) {
      const model = harm.findings(scores[i]!);
      ruleIds.push([...checkHarmfulContent(text), ...model].map((finding) => finding.ruleId));
      encoderRead.push(scores[i]!.stage === 'encoder');
    }
  }
  return { ruleIds, encoderRead };
}

/**
 * What the rails do with each prompt of a set: `text` prompts go through the content rails (patterns
 * and the learned rail) as if a suggestion said them; `note` prompts are embedded in a clinical note and
 * go through the input rails.
 */
export async function measureSet(set: PromptSet, harm: HarmClassifier): Promise<SafetyRow> {
  const byRule: Record<string, number> = {};
  let flagged = 0;
  const prompts = measuredPrompts(set);
  const { ruleIds: textRules, encoderRead } =
    set.channel === 'text' ? await contentRuleIds(prompts, harm) : { ruleIds: [], encoderRead: [] };
  for (const [index, prompt] of prompts.entries()) {
    const rules =
      set.channel === 'note'
        ? runInputRails(NOTE_CONTEXT(prompt))
            .findings.filter((finding) => finding.ruleId === 'input.prompt-injection')
            .map((finding) => finding.ruleId)
        : textRules[index]!;
    if (rules.length > 0) flagged++;
    for (const rule of new Set(rules)) byRule[rule] = (byRule[rule] ?? 0) + 1;
  }
  return {
    set: set.name,
    harmful: set.harmful,
    prompts: prompts.length,
    flagged,
    rate: prompts.length ? flagged / prompts.length : 0,
    byRule,
    encoderShare: prompts.length ? encoderRead.filter(Boolean).length / prompts.length : 0,
  };
}
