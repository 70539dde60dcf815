import type { ContextItem, Omission } from '@aloe/shared/schemas';

/** Plain nouns (singular, plural) for the resource types a context can leave out. */
const TYPE_NOUNS: Record<string, readonly [string, string]> = {
  AllergyIntolerance: ['allergy', 'allergies'],
  CarePlan: ['care plan', 'care plans'],
  Condition: ['condition', 'conditions'],
  DocumentReference: ['note', 'notes'],
  Encounter: ['encounter', 'encounters'],
  Immunization: ['immunization', 'immunizations'],
  Medication: ['medication', 'medications'],
  MedicationRequest: ['medication order', 'medication orders'],
  MedicationStatement: ['medication statement', 'medication statements'],
  Observation: ['observation', 'observations'],
  Patient: ['patient record', 'patient records'],
  Procedure: ['procedure', 'procedures'],
  Resource: ['other resource', 'other resources'],
};

const KIND_NOUNS: Record<ContextItem['kind'], readonly [string, string]> = {
  allergy: ['allergy', 'allergies'],
  medication: ['medication', 'medications'],
  condition: ['condition', 'conditions'],
  observation: ['observation', 'observations'],
  note: ['note', 'notes'],
  encounter: ['encounter', 'encounters'],
  procedure: ['procedure', 'procedures'],
  'care-plan': ['care plan', 'care plans'],
  immunization: ['immunization', 'immunizations'],
};

const number = (value: number) => value.toLocaleString('en-US');

/** "37 observations", "at least 1 more note", "an unknown number of procedures" (`adjective` before the noun). */
function quantity(omission: Omission, adjective = ''): string {
  const [singular, plural] = Object.hasOwn(TYPE_NOUNS, omission.type)
    ? TYPE_NOUNS[omission.type]!
    : ([`${omission.type} resource`, `${omission.type} resources`] as const);
  const noun = (count: number | undefined) => `${adjective}${count === 1 ? singular : plural}`;
  if (omission.count === undefined) return `an unknown number of ${noun(undefined)}`;
  return `${omission.atLeast ? 'at least ' : ''}${number(omission.count)} ${noun(omission.count)}`;
}

/** One omission in plain words, e.g. "37 observations older than 365 days". */
export function describeOmission(omission: Omission): string {
  const bound = omission.bound === undefined ? undefined : number(omission.bound);
  const within = (withBound: string, without: string) => (bound === undefined ? without : withBound);
  switch (omission.reason) {
    case 'outside-window':
      return `${quantity(omission)} ${within(`older than ${bound} days`, 'older than the lookback window')}`;
    case 'ended-before-window':
      return `${quantity(omission, 'ended ')} ${within(`that started more than ${bound} days ago`, 'that started before the lookback window')}`;
    case 'over-limit':
      return `${quantity(omission, 'more ')} ${within(`beyond the newest ${bound}`, 'beyond the newest read')}`;
    case 'paging-stopped':
      return `${quantity(omission, 'more ')} ${within(`past the ${bound} result pages read`, 'past the result pages read')}`;
    case 'not-prefetched':
      return `${quantity(omission, 'more ')} the EHR did not send${within(` (it sent ${bound})`, '')}`;
    case 'context-full':
      return `${quantity(omission)} ${within(`over the ${bound}-item limit of a context`, 'over the item limit of a context')}`;
    case 'text-truncated':
      return `the end of ${quantity(omission)} ${within(`longer than ${bound} characters`, 'too long to carry whole')}`;
    case 'inactive':
      return quantity(omission, 'resolved or inactive ');
    case 'no-plain-text':
      return `${quantity(omission)} without plain text`;
    case 'other-patient':
      return `${quantity(omission)} the EHR sent about another patient`;
    case 'unsupported-type':
      return `${quantity(omission)} of a type not read`;
  }
}

/**
 * The line that tells the model (and the auditor reading the prompt) what the chart holds beyond this
 * context; none when the context left nothing out.
 */
export function notShownLine(omitted: readonly Omission[] | undefined): string | undefined {
  if (!omitted?.length) return undefined;
  return `Not shown: ${omitted.map(describeOmission).join('; ')}.`;
}

/** The line for items of the context cut to fit the prompt's token budget, by kind. */
export function cutToFitLine(cut: readonly ContextItem[]): string | undefined {
  if (cut.length === 0) return undefined;
  const byKind = new Map<ContextItem['kind'], number>();
  for (const item of cut) byKind.set(item.kind, (byKind.get(item.kind) ?? 0) + 1);
  const parts = [...byKind].map(
    ([kind, count]) => `${number(count)} ${KIND_NOUNS[kind][count === 1 ? 0 : 1]}`,
  );
  return `Also not shown, to fit this prompt: ${parts.join(', ')}.`;
}
