import type { ContextItem } from '@aloe/shared/schemas';
import { CONCEPT_SETS, type ConceptSet, type ConceptSetId } from '../data/clinical-codes.js';
import { codingsOf, conceptText, hasCode, inValueSet, SYSTEM } from './codes.js';

/**
 * Whether an item is in a concept set: any of its codings in the set's value sets or code lists, else
 * the set's words in its text and displays (we have no code hierarchy, so a child concept of a listed
 * code is found by its name).
 */
export function isA(item: ContextItem, setId: ConceptSetId): boolean {
  // Every rule asks the same items about the same sets (each lab rule walks the observations), and
  // items are never changed once read: each answer is kept beside its item until the item is dropped.
  let answers = remembered.get(item);
  if (!answers) {
    answers = new Map();
    remembered.set(item, answers);
  }
  let answer = answers.get(setId);
  if (answer === undefined) {
    answer = computeIsA(item, setId);
    answers.set(setId, answer);
  }
  return answer;
}

const remembered = new WeakMap<ContextItem, Map<ConceptSetId, boolean>>();

function computeIsA(item: ContextItem, setId: ConceptSetId): boolean {
  const set: ConceptSet = CONCEPT_SETS[setId];
  if (set.valueSets?.some((valueSet) => inValueSet(item, valueSet))) return true;
  if (set.snomed && hasCode(item, SYSTEM.snomed, set.snomed)) return true;
  if (set.loinc && hasCode(item, SYSTEM.loinc, set.loinc)) return true;
  if (set.icd10 && hasCode(item, SYSTEM.icd10cm, set.icd10)) return true;
  if (set.cpt && hasCode(item, SYSTEM.cpt, set.cpt)) return true;
  return set.words?.test(conceptText(item)) ?? false;
}

/** The items of a list that are in a concept set. */
export function itemsIn(items: readonly ContextItem[], setId: ConceptSetId): ContextItem[] {
  return items.filter((item) => isA(item, setId));
}

export { codingsOf };
