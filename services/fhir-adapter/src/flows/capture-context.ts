import { InvalidInputError } from '@aloe/shared/errors';
import { summarizeIssues } from '@aloe/shared/kafka';
import { type ContextItem, PatientContext, type TaskKind } from '@aloe/shared/schemas';
import { normalizePatientContext } from '../context/normalize-patient-context.js';
import type { PatientRecord } from '../context/patient-record.js';
import { pseudonymize } from '../context/pseudonymize.js';
import type { FhirClient } from '../ehr/fhir-client.js';
import { type ReadPatientRecordOptions, readPatientRecord } from '../ehr/read-patient-record.js';

export interface CaptureDeps {
  /** The EHR client, with a current access token. */
  client: () => Promise<FhirClient>;
  fhirBase: string;
  pseudonymKey: string;
  now: () => Date;
  newId: () => string;
  read: Omit<ReadPatientRecordOptions, 'now'>;
}

/** Reads a patient's record from the EHR and returns it as a validated PatientContext. */
export async function captureContext(
  deps: CaptureDeps,
  request: {
    patientId: string;
    trigger: PatientContext['trigger'];
    tasks: TaskKind[];
    /** Resources the EHR already sent (CDS Hooks prefetch). */
    prefetched?: Partial<PatientRecord>;
    /** Items not yet in the EHR (draft orders of order-select/order-sign). */
    extraItems?: ContextItem[];
  },
): Promise<PatientContext> {
  const now = deps.now();
  const record = await readPatientRecord(
    await deps.client(),
    request.patientId,
    { ...deps.read, now },
    request.prefetched,
  );
  const context = normalizePatientContext(record, {
    contextId: deps.newId(),
    pseudonym: pseudonymize(deps.pseudonymKey, deps.fhirBase, request.patientId),
    fhirBase: deps.fhirBase,
    capturedAt: now,
    trigger: request.trigger,
    tasks: request.tasks,
  });
  context.items.push(...(request.extraItems ?? []));
  const parsed = PatientContext.safeParse(context);
  if (!parsed.success) {
    // The EHR sent something our contract cannot carry (e.g. an id longer than FHIR allows).
    throw new InvalidInputError(
      `The patient record does not fit PatientContext: ${summarizeIssues(parsed.error.issues)}`,
    );
  }
  return parsed.data;
}
