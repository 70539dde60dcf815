import type { RuleFinding } from '@aloe/shared/schemas';
import { HARM_CLASSIFIER } from '../data/harm-classifier-weights.js';
import { deserializeModel, probability } from './logistic-model.js';

const model = deserializeModel(HARM_CLASSIFIER);

/**
 * The learned rail: a logistic regression over hashed words and word pairs that rates how much a text
 * reads like a harmful request (trained on the training halves of public red-team and benign sets and
 * on synthetic clinical advice; README gives its held-out rates). It catches paraphrases the pattern
 * rules miss; the pattern rules explain themselves better.
 */
export function checkHarmClassifier(text: string): RuleFinding[] {
  const p = probability(model, text);
  return p >= model.threshold
    ? [
        {
          ruleId: 'output.harmful-request-model',
          severity: 'critical',
          message: `A learned classifier rates this as a harmful request (p = ${p.toFixed(2)} ≥ ${model.threshold})`,
        },
      ]
    : [];
}
