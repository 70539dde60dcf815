import type { ContextItem } from '@aloe/shared/schemas';
import type { CodeableConcept, Coding } from '@medplum/fhirtypes';

/** Code systems preferred when a concept carries several codings (drugs by RxNorm, labs by LOINC). */
const PREFERRED_SYSTEMS = [
  'http://www.nlm.nih.gov/research/umls/rxnorm',
  'http://snomed.info/sct',
  'http://loinc.org',
  'http://hl7.org/fhir/sid/icd-10-cm',
];
const MAX_CODINGS = 20;

// LOINC displays in some EHR exports carry zero-width spaces ("Mass/\u200Bvolume").
const clean = (text: string | undefined, max: number) =>
  text?.replace(/[\u200B-\u200D\uFEFF]/g, '').slice(0, max) || undefined;

/** The most useful coding of a concept, with the concept's text as display when the coding has none. */
export function pickCoding(concept: CodeableConcept | undefined): ContextItem['code'] {
  if (!concept) return undefined;
  const codings = list(concept.coding);
  const coding: Coding | undefined =
    PREFERRED_SYSTEMS.map((system) => codings.find((candidate) => candidate.system === system)).find(
      Boolean,
    ) ?? codings[0];
  const display = clean(coding?.display ?? concept.text, 500);
  if (!coding && !display) return undefined;
  return {
    ...(coding?.system ? { system: coding.system } : {}),
    ...(coding?.code ? { code: coding.code.trim().slice(0, 200) } : {}),
    ...(display ? { display } : {}),
  };
}

/**
 * What rules need of a concept: the preferred coding, every coding as the EHR sent it (rules match any
 * of them) and the concept's text.
 */
export function conceptFields(
  concept: CodeableConcept | undefined,
): Pick<ContextItem, 'code' | 'codings' | 'codeText'> {
  if (!concept) return {};
  const codings = list(concept.coding)
    .slice(0, MAX_CODINGS)
    .map((coding) => ({
      ...(coding.system ? { system: coding.system.slice(0, 500) } : {}),
      ...(coding.code ? { code: coding.code.trim().slice(0, 200) } : {}),
      ...(coding.display ? { display: clean(coding.display, 500)! } : {}),
    }));
  const code = pickCoding(concept);
  const codeText = clean(concept.text, 500);
  return {
    ...(code ? { code } : {}),
    ...(codings.length > 0 ? { codings } : {}),
    ...(codeText ? { codeText } : {}),
  };
}

/** The first code of a concept (statuses, categories). STU3 resources send some of them as plain strings. */
export function firstCode(
  value: CodeableConcept | CodeableConcept[] | string | undefined,
): string | undefined {
  if (typeof value === 'string') return value;
  const concept = list(value)[0];
  return list(concept?.coding).find((coding) => coding.code)?.code ?? concept?.text;
}

/**
 * A FHIR list field as a list. EHRs and published examples sometimes send one object where the spec
 * says an array (a tolerant reader takes both), or nothing.
 */
export function list<T>(value: T | readonly T[] | undefined | null): T[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? [...value] : [value as T];
}

/** Drops undefined fields so the message stays compact and schema-clean. */
export function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}
