import type { ContextItem } from '@aloe/shared/schemas';
import type {
  CodeableConcept,
  Medication,
  MedicationRequest,
  MedicationStatement,
  Reference,
} from '@medplum/fhirtypes';
import { compact, conceptFields, firstCode, list } from './concepts.js';
import { doseOf, supplyOf } from './dosage.js';

/** Medication resources by reference (`Medication/<id>`), from prefetch, `_include` or reads. */
export type MedicationIndex = ReadonlyMap<string, Medication>;

const REFERENCE = /(?:^|\/)(Medication\/[A-Za-z0-9\-.]{1,200})(?:\/_history\/[^/]+)?$/;

/** The `Medication/<id>` a reference points at (relative or absolute), if it is one. */
export function medicationRefOf(reference: Reference | undefined): string | undefined {
  return reference?.reference ? REFERENCE.exec(reference.reference)?.[1] : undefined;
}

/**
 * The medication concept of a request or statement: `medicationCodeableConcept`, or the code of the
 * Medication its `medicationReference` points at (contained `#id`, or a Medication resource we were
 * sent or read). An unresolved reference keeps its display and the reference itself, so the item is
 * still there and is reported as unidentified, never dropped.
 */
export function medicationConcept(
  resource: MedicationRequest | MedicationStatement,
  medications: MedicationIndex,
): Pick<ContextItem, 'code' | 'codings' | 'codeText' | 'medicationRef'> {
  if (resource.medicationCodeableConcept) return conceptFields(resource.medicationCodeableConcept);
  const reference = resource.medicationReference;
  if (!reference) return {};
  const local = reference.reference?.startsWith('#')
    ? list(resource.contained).find(
        (contained): contained is Medication =>
          contained.resourceType === 'Medication' && contained.id === reference.reference!.slice(1),
      )
    : undefined;
  const ref = medicationRefOf(reference);
  const medication = local ?? (ref ? medications.get(ref) : undefined);
  const concept: CodeableConcept | undefined =
    medication?.code ?? (reference.display ? { text: reference.display } : undefined);
  return compact({ ...conceptFields(concept), medicationRef: ref });
}

/** Ended medications are kept this far back (opioid rules look back over months). */
export const MEDICATION_HISTORY_DAYS = 180;

/** MedicationRequest statuses of an order still in force (read whatever its age). */
export const CURRENT_REQUEST_STATUSES = ['active', 'on-hold', 'draft', 'unknown'] as const;
/** ... and of one that ended (read back MEDICATION_HISTORY_DAYS; older ones are counted). */
export const ENDED_REQUEST_STATUSES = ['completed', 'stopped', 'cancelled'] as const;

// MedicationStatement adds `intended` (not yet started).
const CURRENT_STATUSES = new Set<string>([...CURRENT_REQUEST_STATUSES, 'intended']);

/**
 * Whether a medication record belongs in the context: current ones always; ended ones (completed,
 * stopped) when they started within MEDICATION_HISTORY_DAYS; records entered in error never.
 */
export function isRecentMedication(
  status: string | undefined,
  started: string | undefined,
  now: Date,
): boolean {
  if (status === 'entered-in-error') return false;
  if (!status || CURRENT_STATUSES.has(status)) return true;
  const day = started ? Date.parse(started.slice(0, 10)) : Number.NaN;
  return Number.isFinite(day) && now.getTime() - day <= MEDICATION_HISTORY_DAYS * 86_400_000;
}

export function medicationRequestItem(
  request: MedicationRequest,
  medications: MedicationIndex = new Map(),
): ContextItem {
  return compact({
    ref: `MedicationRequest/${request.id}`,
    kind: 'medication' as const,
    ...medicationConcept(request, medications),
    status: request.status,
    intent: request.intent,
    // R4: category is a list of concepts; STU3 (some CDS Hooks examples): one concept.
    category: firstCode(request.category as CodeableConcept | CodeableConcept[] | undefined),
    date: request.authoredOn,
    dose: doseOf(list(request.dosageInstruction)[0], request.extension),
    supply: supplyOf(request),
  });
}

export function medicationStatementItem(
  statement: MedicationStatement,
  medications: MedicationIndex = new Map(),
): ContextItem {
  return compact({
    ref: `MedicationStatement/${statement.id}`,
    kind: 'medication' as const,
    ...medicationConcept(statement, medications),
    status: statement.status,
    category: firstCode(statement.category),
    date: statement.effectiveDateTime ?? statement.effectivePeriod?.start ?? statement.dateAsserted,
    end: statement.effectivePeriod?.end,
    dose: doseOf(list(statement.dosage)[0]),
  });
}
