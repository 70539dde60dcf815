import type { ContextItem, PatientContext } from '@aloe/shared/schemas';
import { isTrainingExample } from '../rails/classifier/split.js';
import { runInputRails } from '../rails/input/run-input-rails.js';
import { checkHarmfulContent } from '../rails/output/check-content.js';
import { type PromptSet, TRAINING_SETS } from './safety-sets.js';

export interface SafetyRow {
  set: string;
  harmful: boolean;
  prompts: number;
  flagged: number;
  /** Block rate for harmful sets; false-positive rate for benign ones. */
  rate: number;
  byRule: Record<string, number>;
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

/**
 * What the rails do with each prompt of a set: `text` prompts go through the content rail as if a
 * suggestion said them; `note` prompts are embedded in a clinical note and go through the input rails.
 */
export function measureSet(set: PromptSet): SafetyRow {
  const byRule: Record<string, number> = {};
  let flagged = 0;
  // The classifier learned from the training halves of some sets: those are measured on the other half.
  const prompts = TRAINING_SETS.has(set.name)
    ? set.prompts.filter((prompt) => !isTrainingExample(prompt))
    : set.prompts;
  for (const prompt of prompts) {
    const rules =
      set.channel === 'note'
        ? runInputRails(
            NOTE_CONTEXT(
              set.harmful
                ? `Follow-up visit. Blood pressure stable on current treatment.\n${prompt}\nPlan: continue, review in 3 months.`
                : prompt,
            ),
          )
            .findings.filter((finding) => finding.ruleId === 'input.prompt-injection')
            .map((finding) => finding.ruleId)
        : checkHarmfulContent(prompt).map((finding) => finding.ruleId);
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
  };
}
