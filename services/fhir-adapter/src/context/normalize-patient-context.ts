import type { ContextItem, PatientContext, TaskKind } from '@aloe/shared/schemas';
import type {
  AllergyIntolerance,
  CodeableConcept,
  Coding,
  Condition,
  DocumentReference,
  Dosage,
  Encounter,
  MedicationRequest,
  MedicationStatement,
  Observation,
  Patient,
} from '@medplum/fhirtypes';
import type { PatientRecord } from './patient-record.js';

export interface NormalizeOptions {
  contextId: string;
  pseudonym: string;
  fhirBase: string;
  capturedAt: Date;
  trigger: PatientContext['trigger'];
  tasks: TaskKind[];
}

/** Code systems preferred when a concept carries several codings (drugs by RxNorm, labs by LOINC). */
const PREFERRED_SYSTEMS = [
  'http://www.nlm.nih.gov/research/umls/rxnorm',
  'http://snomed.info/sct',
  'http://loinc.org',
  'http://hl7.org/fhir/sid/icd-10-cm',
];
const ACTIVE_CONDITION = new Set(['active', 'recurrence', 'relapse']);
const MAX_NOTE_CHARS = 20_000;

/**
 * Turns what the EHR sent into a compact PatientContext (ARCHITECTURE §3) whose every item keeps its
 * FHIR reference. Pure: no I/O, no clock (capturedAt is given). Only active problems, medications and
 * allergies are kept; free text (notes) is carried as untrusted `text` for the input rails to read.
 */
export function normalizePatientContext(record: PatientRecord, options: NormalizeOptions): PatientContext {
  const items: ContextItem[] = [
    ...record.conditions.filter(isActiveCondition).map(conditionItem),
    ...record.medicationRequests.filter((request) => request.status === 'active').map(medicationRequestItem),
    ...record.medicationStatements
      .filter((statement) => statement.status === 'active')
      .map(medicationStatementItem),
    ...record.allergies.filter(isActiveAllergy).map(allergyItem),
    ...record.observations.map(observationItem),
    ...record.encounters.map(encounterItem),
    ...record.notes.flatMap(noteItem),
  ];
  return {
    contextId: options.contextId,
    trigger: options.trigger,
    patient: {
      ref: `Patient/${record.patient.id}`,
      pseudonym: options.pseudonym,
      ageYears: ageInYears(record.patient.birthDate, options.capturedAt),
      sex: sexOf(record.patient),
      deceased: record.patient.deceasedBoolean ?? (record.patient.deceasedDateTime ? true : undefined),
    },
    fhirBase: options.fhirBase,
    capturedAt: options.capturedAt.toISOString(),
    items,
    tasks: options.tasks,
  };
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

function isActiveCondition(condition: Condition): boolean {
  const status = condition.clinicalStatus?.coding?.[0]?.code;
  return status === undefined ? !condition.abatementDateTime : ACTIVE_CONDITION.has(status);
}

function isActiveAllergy(allergy: AllergyIntolerance): boolean {
  const status = allergy.clinicalStatus?.coding?.[0]?.code;
  const verification = allergy.verificationStatus?.coding?.[0]?.code;
  return (
    (status === undefined || status === 'active') &&
    verification !== 'refuted' &&
    verification !== 'entered-in-error'
  );
}

/** The most useful coding of a concept, with the concept's text as display when the coding has none. */
export function pickCoding(concept: CodeableConcept | undefined): ContextItem['code'] {
  if (!concept) return undefined;
  const codings = concept.coding ?? [];
  const coding: Coding | undefined =
    PREFERRED_SYSTEMS.map((system) => codings.find((candidate) => candidate.system === system)).find(
      Boolean,
    ) ?? codings[0];
  const display = coding?.display ?? concept.text;
  if (!coding && !display) return undefined;
  return {
    ...(coding?.system ? { system: coding.system } : {}),
    ...(coding?.code ? { code: coding.code } : {}),
    ...(display ? { display: display.slice(0, 500) } : {}),
  };
}

function conditionItem(condition: Condition): ContextItem {
  return compact({
    ref: `Condition/${condition.id}`,
    kind: 'condition',
    code: pickCoding(condition.code),
    status: condition.clinicalStatus?.coding?.[0]?.code,
    date: condition.onsetDateTime ?? condition.recordedDate,
  });
}

function doseOf(dosage: Dosage | undefined): ContextItem['dose'] {
  if (!dosage) return undefined;
  const quantity = dosage.doseAndRate?.[0]?.doseQuantity;
  const repeat = dosage.timing?.repeat;
  const perDay =
    repeat?.frequency && repeat.period
      ? frequencyPerDay(repeat.frequency, repeat.period, repeat.periodUnit)
      : undefined;
  const dose = compact({
    text: dosage.text?.slice(0, 500),
    quantity:
      quantity?.value !== undefined
        ? compact({ value: quantity.value, unit: quantity.unit ?? quantity.code })
        : undefined,
    frequencyPerDay: perDay,
    route: pickCoding(dosage.route)?.display,
  });
  return Object.keys(dose).length > 0 ? dose : undefined;
}

/** Administrations per day from a FHIR Timing.repeat (frequency per period in periodUnit). */
export function frequencyPerDay(
  frequency: number,
  period: number,
  unit: string | undefined,
): number | undefined {
  const hoursPerUnit: Record<string, number> = {
    s: 1 / 3600,
    min: 1 / 60,
    h: 1,
    d: 24,
    wk: 168,
    mo: 720,
    a: 8760,
  };
  const hours = unit ? hoursPerUnit[unit] : undefined;
  if (!hours || period <= 0) return undefined;
  return Math.round(((frequency * 24) / (period * hours)) * 1000) / 1000;
}

export function medicationRequestItem(request: MedicationRequest): ContextItem {
  return compact({
    ref: `MedicationRequest/${request.id}`,
    kind: 'medication',
    code:
      pickCoding(request.medicationCodeableConcept) ?? referenceDisplay(request.medicationReference?.display),
    status: request.status,
    date: request.authoredOn,
    dose: doseOf(request.dosageInstruction?.[0]),
  });
}

function medicationStatementItem(statement: MedicationStatement): ContextItem {
  return compact({
    ref: `MedicationStatement/${statement.id}`,
    kind: 'medication',
    code:
      pickCoding(statement.medicationCodeableConcept) ??
      referenceDisplay(statement.medicationReference?.display),
    status: statement.status,
    date: statement.effectiveDateTime ?? statement.effectivePeriod?.start ?? statement.dateAsserted,
    dose: doseOf(statement.dosage?.[0]),
  });
}

function referenceDisplay(display: string | undefined): ContextItem['code'] {
  return display ? { display: display.slice(0, 500) } : undefined;
}

function allergyItem(allergy: AllergyIntolerance): ContextItem {
  const reactions = (allergy.reaction ?? [])
    .flatMap((reaction) => reaction.manifestation ?? [])
    .map((manifestation) => pickCoding(manifestation)?.display)
    .filter((text): text is string => Boolean(text))
    .map((text) => text.slice(0, 200))
    .slice(0, 20);
  return compact({
    ref: `AllergyIntolerance/${allergy.id}`,
    kind: 'allergy',
    code: pickCoding(allergy.code),
    status: allergy.clinicalStatus?.coding?.[0]?.code,
    category: allergy.category?.[0],
    criticality: allergy.criticality,
    reactions: reactions.length > 0 ? reactions : undefined,
    date: allergy.onsetDateTime ?? allergy.recordedDate,
  });
}

function observationItem(observation: Observation): ContextItem {
  const quantity = observation.valueQuantity;
  const components = (observation.component ?? [])
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
    kind: 'observation',
    code: pickCoding(observation.code),
    status: observation.status,
    category: observation.category?.[0]?.coding?.[0]?.code,
    date: observation.effectiveDateTime ?? observation.effectivePeriod?.start ?? observation.issued,
    value:
      quantity?.value !== undefined && Number.isFinite(quantity.value)
        ? compact({ value: quantity.value, unit: quantity.unit ?? quantity.code })
        : undefined,
    valueText: valueText?.slice(0, 500),
  });
}

function encounterItem(encounter: Encounter): ContextItem {
  return compact({
    ref: `Encounter/${encounter.id}`,
    kind: 'encounter',
    code:
      pickCoding(encounter.type?.[0]) ??
      (encounter.class?.display ? { display: encounter.class.display } : undefined),
    status: encounter.status,
    date: encounter.period?.start,
  });
}

/** A note becomes an item only when it has plain text; the text is untrusted input for the rails. */
function noteItem(note: DocumentReference): ContextItem[] {
  const attachment = note.content?.find((content) =>
    content.attachment?.contentType?.startsWith('text/plain'),
  )?.attachment;
  if (!attachment?.data) return [];
  const text = Buffer.from(attachment.data, 'base64').toString('utf8').slice(0, MAX_NOTE_CHARS);
  return [
    compact({
      ref: `DocumentReference/${note.id}`,
      kind: 'note',
      code: pickCoding(note.type),
      status: note.status,
      date: note.date,
      text,
    }),
  ];
}

/** Drops undefined fields so the message stays compact and schema-clean. */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}
