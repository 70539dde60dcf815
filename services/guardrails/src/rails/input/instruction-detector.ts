import { ingredientsNamedIn } from '@aloe/clinical-knowledge';
import {
  ADDRESSES_THE_MODEL,
  CLINICAL_OBJECT,
  NOT_AN_IMPERATIVE,
  PLAN_OR_TASK_VERB,
  QUESTION_OPENER,
  TEXT_TASK,
  TEXT_TASK_VERB,
  TO_THE_PATIENT,
} from '../data/instruction-patterns.js';

// Quoted spans: an instruction quoted inside a sentence ("a printout that reads "Explain …"") is read
// as a sentence of its own. Straight single quotes are left out: apostrophes would pair up.
const QUOTED = /["“”‘’(]([^"“”‘’()]{6,500})["“”‘’)]/g;
// A list bullet or number before a line's first word.
const BULLET = /^\s*(?:[-*•·]|\d{1,2}[.)])\s+/;

/** The sentences of a text, as a reader would take them one at a time (lines, sentences, clauses after ":" or ";", quotes). */
function sentencesOf(text: string): string[] {
  const pieces = [text, ...[...text.matchAll(QUOTED)].map((match) => match[1]!)];
  return (
    pieces
      .flatMap((piece) => piece.split(/\n|(?<=[.!?])\s+|[:;]\s+/))
      .map((sentence) =>
        sentence
          .replace(BULLET, '')
          .replace(/^["“”‘’(\s]+/, '')
          .trim(),
      )
      // A lone word is a label ("Name:", "Plan:"), not a sentence.
      .filter((sentence) => /\S\s+\S/.test(sentence))
  );
}

/** Whether a sentence acts on something clinical: a dose, route, test, visit, the patient, or a known drug. */
const isClinical = (sentence: string) =>
  !TEXT_TASK.test(sentence) && (CLINICAL_OBJECT.test(sentence) || ingredientsNamedIn(sentence).length > 0);

/** Why a sentence reads as addressed to the model, or undefined when it reads as documentation. */
function instructionIn(sentence: string): string | undefined {
  if (QUESTION_OPENER.test(sentence) && /\?\s*["”’)]?$/.test(sentence) && !isClinical(sentence))
    return 'a question put to the reader';
  if (NOT_AN_IMPERATIVE.test(sentence)) return undefined;
  if (TEXT_TASK_VERB.test(sentence) && !TO_THE_PATIENT.test(sentence)) return 'a task given to the reader';
  if (PLAN_OR_TASK_VERB.test(sentence) && !isClinical(sentence)) return 'a task given to the reader';
  return undefined;
}

/**
 * Whether EHR text instructs the model (indirect prompt injection) and why; undefined for clinical
 * documentation. A phrase that addresses a model or its rules counts wherever it stands; a question or
 * task put to a reader counts as a sentence of its own: on its own line, after a colon, or quoted
 * inside another sentence. A clinical plan line ("Plan: start metformin 500 mg BID", "Give influenza
 * vaccine today") is documentation: its imperative acts on a drug, dose, test or the patient, and it
 * has no word of a language or knowledge task (poem, translate, capital of …). Pure.
 */
export function instructionToModel(text: string): string | undefined {
  if (ADDRESSES_THE_MODEL.some((pattern) => pattern.test(text))) return 'words addressed to the model';
  for (const sentence of sentencesOf(text)) {
    const why = instructionIn(sentence);
    if (why) return why;
  }
  return undefined;
}
