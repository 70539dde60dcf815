import {
  CONTEXT_KIND_PRIORITY,
  type ContextItem,
  MAX_CONTEXT_ITEMS,
  MAX_ITEM_TEXT_CHARS,
  type Omission,
  type PatientContext,
  type TaskKind,
} from '@aloe/shared/schemas';
import type {
  AllergyIntolerance,
  CarePlan,
  CodeableConcept,
  Condition,
  DocumentReference,
  Encounter,
  Observation,
  Patient,
  Procedure,
} from '@medplum/fhirtypes';
import { compact, conceptFields, firstCode, list, pickCoding } from './concepts.js';
import {
  isRecentMedication,
  MEDICATION_HISTORY_DAYS,
  type MedicationIndex,
  medicationRequestItem,
  medicationStatementItem,
} from './medication-items.js';
import { mergeOmissions, omission } from './omissions.js';
import type { PatientRecord } from './patient-record.js';

export interface NormalizeOptions {
  contextId: string;
  pseudonym: string;
  fhirBase: string;
  capturedAt: Date;
  trigger: PatientContext['trigger'];
  tasks: TaskKind[];
  /** The most items to make (default MAX_CONTEXT_ITEMS; less when the caller adds items of its own). */
  maxItems?: number;
}

const ACTIVE_CONDITION = new Set(['active', 'recurrence', 'relapse']);
// The FHIR extension an R4 Condition uses for the STU3 element assertedDate.
const ASSERTED_DATE = 'http://hl7.org/fhir/StructureDefinition/condition-assertedDate';

/**
 * Turns what the EHR sent into a compact PatientContext (docs/architecture.md#patientcontext) whose every
 * item keeps its FHIR reference and every coding of its concept. Pure: no I/O, no clock (capturedAt is
 * given). Active problems, allergies and medications are kept, and ended medications of the last 180 days
 * (opioid rules look back months); conditions that could exclude a patient from a rule (cancer, end of life)
 * are kept whatever their status. Free text (notes) is carried as untrusted `text` for the input rails.
 */
export function normalizePatientContext(record: PatientRecord, options: NormalizeOptions): PatientContext {
  const medications: MedicationIndex = new Map(
    record.medications.map((medication) => [`Medication/${medication.id}`, medication]),
  );
  const omitted: Omission[] = [...(record.omitted ?? [])];
  // Keeps what passes `keep`; counts what fails it (records entered in error are no part of the chart).
  const kept = <T extends { resourceType: string; status?: string; verificationStatus?: CodeableConcept }>(
    resources: T[],
    keep: (resource: T) => boolean,
    reason: Omission['reason'],
    bound?: number,
  ): T[] => {
    const passed: T[] = [];
    let dropped = 0;
    for (const resource of resources)
      if (keep(resource)) passed.push(resource);
      else if (!isEnteredInError(resource)) dropped++;
    omitted.push(...omission(resources[0]?.resourceType ?? 'Resource', reason, dropped, bound));
    return passed;
  };
  const recent = (status: string | undefined, started: string | undefined) =>
    isRecentMedication(status, started, options.capturedAt);
  const notes = record.notes.map(noteText);
  omitted.push(
    ...omission('DocumentReference', 'no-plain-text', notes.filter((note) => note.text === undefined).length),
    ...omission(
      'DocumentReference',
      'text-truncated',
      notes.filter((note) => note.truncated).length,
      MAX_ITEM_TEXT_CHARS,
    ),
  );
  const made: ContextItem[] = [
    ...kept(record.conditions, isKeptCondition, 'inactive').map(conditionItem),
    ...kept(
      record.medicationRequests,
      (request) => recent(request.status, request.authoredOn),
      'ended-before-window',
      MEDICATION_HISTORY_DAYS,
    ).map((request) => medicationRequestItem(request, medications)),
    ...kept(
      record.medicationStatements,
      (statement) =>
        recent(
          statement.status,
          statement.effectiveDateTime ?? statement.effectivePeriod?.start ?? statement.dateAsserted,
        ),
      'ended-before-window',
      MEDICATION_HISTORY_DAYS,
    ).map((statement) => medicationStatementItem(statement, medications)),
    ...kept(record.allergies, isActiveAllergy, 'inactive').map(allergyItem),
    ...record.observations
      .filter((observation) => observation.status !== 'entered-in-error')
      .map(observationItem),
    ...record.encounters.map(encounterItem),
    ...record.procedures.filter((procedure) => procedure.status !== 'entered-in-error').map(procedureItem),
    ...record.carePlans.filter((plan) => plan.status !== 'entered-in-error').map(carePlanItem),
    ...record.notes.flatMap((note, index) => noteItem(note, notes[index]!.text)),
  ];
  const items = withinItemCap(made, options.maxItems ?? MAX_CONTEXT_ITEMS, omitted);
  return {
    contextId: options.contextId,
    trigger: options.trigger,
    patient: compact({
      ref: `Patient/${record.patient.id}`,
      pseudonym: options.pseudonym,
      ageYears: ageInYears(record.patient.birthDate, options.capturedAt),
      sex: sexOf(record.patient),
      deceased: record.patient.deceasedBoolean ?? (record.patient.deceasedDateTime ? true : undefined),
    }),
    fhirBase: options.fhirBase,
    capturedAt: options.capturedAt.toISOString(),
    items,
    omitted: mergeOmissions(omitted),
    tasks: options.tasks,
  };
}

/**
 * At most `max` items (the contract's cap), dropping the least needed kinds and, within a kind, the
 * oldest; what is dropped is counted in `omitted`. The items keep their order.
 */
function withinItemCap(items: ContextItem[], max: number, omitted: Omission[]): ContextItem[] {
  if (items.length <= max) return items;
  const byNeed = items
    .map((item, index) => ({ item, index }))
    .sort(
      (a, b) =>
        CONTEXT_KIND_PRIORITY[a.item.kind] - CONTEXT_KIND_PRIORITY[b.item.kind] ||
        (b.item.date ?? '').localeCompare(a.item.date ?? ''),
    );
  const keep = new Set(byNeed.slice(0, Math.max(0, max)).map(({ index }) => index));
  const dropped = new Map<string, number>();
  items.forEach((item, index) => {
    if (keep.has(index)) return;
    const type = item.ref.split('/')[0]!;
    dropped.set(type, (dropped.get(type) ?? 0) + 1);
  });
  for (const [type, count] of dropped)
    omitted.push(...omission(type, 'context-full', count, MAX_CONTEXT_ITEMS));
  return items.filter((_, index) => keep.has(index));
}

/** Records entered in error are mistakes, not chart content: they are dropped without a count. */
function isEnteredInError(resource: { status?: string; verificationStatus?: CodeableConcept }): boolean {
  return (
    resource.status === 'entered-in-error' || firstCode(resource.verificationStatus) === 'entered-in-error'
  );
}

/** Whole years between a birth date (YYYY, YYYY-MM or YYYY-MM-DD) and `at`. */
export function ageInYears(birthDate: string | undefined, at: Date): number | undefined {
  if (!birthDate) return undefined;
  const [year, month = 1, day = 1] = birthDate.split('-').map(Number);
  if (!year) return undefined;
  let age = at.getUTCFullYear() - year;
  if (at.getUTCMonth() + 1 < month || (at.getUTCMonth() + 1 === month && at.getUTCDate() < day)) age--;
  return Math.max(0, age);
}

function sexOf(patient: Patient): PatientContext['patient']['sex'] {
  return patient.gender === 'female' || patient.gender === 'male' || patient.gender === 'other'
    ? patient.gender
    : 'unknown';
}

/** STU3 sends clinicalStatus as a plain code; R4 as a CodeableConcept. */
const conditionStatus = (condition: Condition) =>
  firstCode(condition.clinicalStatus as Condition['clinicalStatus'] | string | undefined);

// Conditions a rule reads whatever their status (a history of GI bleeding, cancer, end of life).
const HISTORY_MATTERS =
  /hemorrhage|haemorrhage|bleed|ulcer|malignan|cancer|carcinoma|metasta|sickle|opioid|substance|alcohol/i;

function isKeptCondition(condition: Condition): boolean {
  if (firstCode(condition.verificationStatus) === 'entered-in-error') return false;
  const status = conditionStatus(condition);
  if (status === undefined ? !condition.abatementDateTime : ACTIVE_CONDITION.has(status)) return true;
  const text = [condition.code?.text, ...list(condition.code?.coding).map((coding) => coding.display)].join(
    ' ',
  );
  return HISTORY_MATTERS.test(text);
}

function isActiveAllergy(allergy: AllergyIntolerance): boolean {
  const status = firstCode(allergy.clinicalStatus);
  const verification = firstCode(allergy.verificationStatus);
  return (
    (status === undefined || status === 'active') &&
    verification !== 'refuted' &&
    verification !== 'entered-in-error'
  );
}

function conditionItem(condition: Condition): ContextItem {
  const asserted = list(condition.extension).find(
    (extension) => extension.url === ASSERTED_DATE,
  )?.valueDateTime;
  const stu3 = condition as Condition & { assertedDate?: string };
  return compact({
    ref: `Condition/${condition.id}`,
    kind: 'condition' as const,
    ...conceptFields(condition.code),
    status: conditionStatus(condition),
    category: firstCode(condition.category),
    date:
      condition.onsetDateTime ??
      condition.onsetPeriod?.start ??
      condition.recordedDate ??
      asserted ??
      stu3.assertedDate,
    recorded: condition.recordedDate ?? asserted ?? stu3.assertedDate,
    end: condition.abatementDateTime ?? condition.abatementPeriod?.end,
  });
}

function allergyItem(allergy: AllergyIntolerance): ContextItem {
  const reactions = list(allergy.reaction)
    .flatMap((reaction) => list(reaction.manifestation))
    .map((manifestation) => pickCoding(manifestation)?.display)
    .filter((text): text is string => Boolean(text))
    .map((text) => text.slice(0, 200))
    .slice(0, 20);
  return compact({
    ref: `AllergyIntolerance/${allergy.id}`,
    kind: 'allergy' as const,
    ...conceptFields(allergy.code),
    status: firstCode(allergy.clinicalStatus),
    category: list(allergy.category)[0],
    criticality: allergy.criticality,
    reactions: reactions.length > 0 ? reactions : undefined,
    date: allergy.onsetDateTime ?? allergy.recordedDate,
  });
}

function observationItem(observation: Observation): ContextItem {
  const quantity = observation.valueQuantity;
  const components = list(observation.component)
    .map((component) => {
      const name = pickCoding(component.code)?.display;
      const value = component.valueQuantity;
      return name && value?.value !== undefined
        ? `${name} ${value.value} ${value.unit ?? ''}`.trim()
        : undefined;
    })
    .filter(Boolean);
  const valueText =
    pickCoding(observation.valueCodeableConcept)?.display ??
    observation.valueString ??
    (components.length > 0 ? components.join('; ') : undefined);
  return compact({
    ref: `Observation/${observation.id}`,
    kind: 'observation' as const,
    ...conceptFields(observation.code),
    status: observation.status,
    category: firstCode(observation.category),
    date: observation.effectiveDateTime ?? observation.effectivePeriod?.start ?? observation.issued,
    value:
      quantity?.value !== undefined && Number.isFinite(quantity.value)
        ? compact({ value: quantity.value, unit: quantity.unit ?? quantity.code })
        : undefined,
    valueText: valueText?.slice(0, 500),
    interpretation: firstCode(observation.interpretation)?.slice(0, 64),
  });
}

function encounterItem(encounter: Encounter): ContextItem {
  const type = conceptFields(list(encounter.type)[0]);
  return compact({
    ref: `Encounter/${encounter.id}`,
    kind: 'encounter' as const,
    ...(type.code ? type : encounter.class?.display ? { code: { display: encounter.class.display } } : {}),
    status: encounter.status,
    category: encounter.class?.code,
    date: encounter.period?.start,
    end: encounter.period?.end,
    disposition: pickCoding(encounter.hospitalization?.dischargeDisposition),
  });
}

function procedureItem(procedure: Procedure): ContextItem {
  return compact({
    ref: `Procedure/${procedure.id}`,
    kind: 'procedure' as const,
    ...conceptFields(procedure.code),
    status: procedure.status,
    date: procedure.performedDateTime ?? procedure.performedPeriod?.start,
    end: procedure.performedPeriod?.end,
  });
}

/** A care plan is identified by its category (e.g. LOINC 80764-4, a pain treatment plan). */
function carePlanItem(plan: CarePlan): ContextItem {
  const fields = conceptFields(list(plan.category)[0]);
  return compact({
    ref: `CarePlan/${plan.id}`,
    kind: 'care-plan' as const,
    ...fields,
    ...(fields.code ? {} : plan.title ? { code: { display: plan.title.slice(0, 500) } } : {}),
    status: plan.status,
    date: plan.created ?? plan.period?.start ?? plan.meta?.lastUpdated,
    end: plan.period?.end,
  });
}

/** A note's plain text (none without a text/plain attachment), cut to what an item carries. */
function noteText(note: DocumentReference): { text?: string; truncated: boolean } {
  const attachment = list(note.content).find((content) =>
    content.attachment?.contentType?.startsWith('text/plain'),
  )?.attachment;
  if (!attachment?.data) return { truncated: false };
  const text = Buffer.from(attachment.data, 'base64').toString('utf8');
  return { text: text.slice(0, MAX_ITEM_TEXT_CHARS), truncated: text.length > MAX_ITEM_TEXT_CHARS };
}

/** A note becomes an item only when it has plain text; the text is untrusted input for the rails. */
function noteItem(note: DocumentReference, text: string | undefined): ContextItem[] {
  if (text === undefined) return [];
  return [
    compact({
      ref: `DocumentReference/${note.id}`,
      kind: 'note' as const,
      code: pickCoding(note.type),
      status: note.status,
      date: note.date,
      text,
    }),
  ];
}

export { frequencyPerDay } from './dosage.js';
export { pickCoding };
