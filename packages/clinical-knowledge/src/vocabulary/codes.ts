import type { Coding, ContextItem } from '@aloe/shared/schemas';
import type { CodeEntry } from '../data/generated-types.js';
import { ICD10CM, LOINC, RXNORM, SNOMED, VALUE_SETS } from '../generated/value-sets.js';

export const SYSTEM = {
  rxnorm: 'http://www.nlm.nih.gov/research/umls/rxnorm',
  snomed: 'http://snomed.info/sct',
  loinc: 'http://loinc.org',
  icd10cm: 'http://hl7.org/fhir/sid/icd-10-cm',
  icd10: 'http://hl7.org/fhir/sid/icd-10',
  cpt: 'http://www.ama-assn.org/go/cpt',
} as const;

const TABLES: Record<string, Readonly<Record<string, CodeEntry>>> = {
  [SYSTEM.rxnorm]: RXNORM,
  [SYSTEM.snomed]: SNOMED,
  [SYSTEM.loinc]: LOINC,
  [SYSTEM.icd10cm]: ICD10CM,
};

/** Every coding of an item (the preferred one when the EHR sent no list). */
export function codingsOf(item: ContextItem): readonly Coding[] {
  return item.codings ?? (item.code ? [item.code] : []);
}

/** The words of an item's concept: its text and every coding's display (for name fallbacks). */
export function conceptText(item: ContextItem): string {
  return [item.codeText, item.code?.display, ...(item.codings ?? []).map((coding) => coding.display)]
    .filter(Boolean)
    .join(' / ');
}

/** Whether any coding of the item is in a generated value set (by id, e.g. `valueset-Hx-UGIB-snomed`). */
const VALUE_SET_INDEX = new Map(VALUE_SETS.map((set, index) => [set.id, index]));

export function inValueSet(item: ContextItem, valueSetId: string): boolean {
  const index = VALUE_SET_INDEX.get(valueSetId);
  if (index === undefined) return false;
  return codingsOf(item).some((coding) => {
    const entry = coding.system && coding.code ? TABLES[coding.system]?.[coding.code] : undefined;
    return entry?.[1].includes(index) ?? false;
  });
}

/** Whether any coding of the item has one of these codes in a system (ICD-10 codes also match by prefix). */
export function hasCode(item: ContextItem, system: string, codes: readonly string[]): boolean {
  return codingsOf(item).some(
    (coding) =>
      coding.code !== undefined &&
      (coding.system === system || (system === SYSTEM.icd10cm && coding.system === SYSTEM.icd10)) &&
      (codes.includes(coding.code) ||
        ((system === SYSTEM.icd10cm || system === SYSTEM.icd10) &&
          codes.some((code) => code.endsWith('*') && coding.code!.startsWith(code.slice(0, -1))))),
  );
}

/** A condition, allergy or encounter the EHR still calls active (no status: assumed active). */
export function isActiveStatus(item: ContextItem): boolean {
  return item.status === undefined || ['active', 'recurrence', 'relapse'].includes(item.status);
}
