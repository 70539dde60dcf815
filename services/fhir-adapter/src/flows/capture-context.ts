import { InvalidInputError } from '@aloe/shared/errors';
import {
  type ContextItem,
  FhirReference,
  MAX_CONTEXT_ITEMS,
  type PatientContext,
  type TaskKind,
} from '@aloe/shared/schemas';
import { Attr, withSpan } from '@aloe/shared/tracing';
import type { Prefetched } from '../context/from-prefetch.js';
import { normalizePatientContext } from '../context/normalize-patient-context.js';
import { emptyRecord, type PatientRecord } from '../context/patient-record.js';
import { pseudonymize } from '../context/pseudonymize.js';
import { limitPrefetched, readLimitsOf } from '../context/read-limits.js';
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

export interface CaptureRequest {
  patientId: string;
  trigger: PatientContext['trigger'];
  tasks: TaskKind[];
  /** Resources the EHR already sent (CDS Hooks prefetch). */
  prefetched?: Prefetched;
  /** Items not yet in the EHR (draft orders of order-select/order-sign). */
  extraItems?: ContextItem[];
  /** Read clinical notes (default: the deps' setting); order hooks do not need them. */
  includeNotes?: boolean;
}

/** Reads a patient's record from the EHR (what the prefetch lacks) and returns it as a validated PatientContext. */
export async function captureContext(deps: CaptureDeps, request: CaptureRequest): Promise<PatientContext> {
  const now = deps.now();
  // The span names the patient by pseudonym only: a tracing backend is not a place for EHR ids.
  const record = await withSpan(
    'ehr.read patient-record',
    {
      attributes: {
        [Attr.PatientPseudonym]: pseudonymize(deps.pseudonymKey, deps.fhirBase, request.patientId),
        [Attr.EhrPrefetched]: Object.keys(request.prefetched ?? {}).length > 0,
      },
    },
    async (span) => {
      const read = await readPatientRecord(
        await deps.client(),
        request.patientId,
        { ...deps.read, includeNotes: request.includeNotes ?? deps.read.includeNotes, now },
        request.prefetched,
      );
      span.setAttribute(Attr.EhrResources, resourcesIn(read));
      return read;
    },
  );
  return contextFromRecord(deps, record, request, now);
}

/** How many resources a record holds (the patient and every list). */
const resourcesIn = (record: PatientRecord) =>
  1 +
  Object.values(record).reduce(
    (sum: number, value) => sum + (Array.isArray(value) && value !== record.omitted ? value.length : 0),
    0,
  );

/**
 * The context of what the EHR sent alone (the prefetch, no reads), for when the EHR cannot be read:
 * the rules still check the drafts against what arrived.
 */
export function contextFromPrefetch(deps: CaptureDeps, request: CaptureRequest): PatientContext {
  const now = deps.now();
  // The same windows and limits as a read, so both paths give the same slice of the chart.
  const prefetched = limitPrefetched(request.prefetched ?? {}, readLimitsOf(deps.read), now);
  const record: PatientRecord = {
    ...emptyRecord(prefetched.patient ?? { resourceType: 'Patient', id: request.patientId }),
    ...prefetched,
  } as PatientRecord;
  return contextFromRecord(deps, record, request, now);
}

function contextFromRecord(
  deps: CaptureDeps,
  record: PatientRecord,
  request: CaptureRequest,
  now: Date,
): PatientContext {
  const context = normalizePatientContext(record, {
    contextId: deps.newId(),
    pseudonym: pseudonymize(deps.pseudonymKey, deps.fhirBase, request.patientId),
    fhirBase: deps.fhirBase,
    capturedAt: now,
    trigger: request.trigger,
    tasks: request.tasks,
    // The drafts are what the call is about: the chart makes room for them.
    maxItems: MAX_CONTEXT_ITEMS - (request.extraItems?.length ?? 0),
  });
  context.items.push(...(request.extraItems ?? []));
  // The normaliser builds the context to the contract, which the Kafka producer enforces before a
  // context leaves; here (in the CDS Hooks call) only what the EHR decides is checked: its ids.
  const bad = [context.patient, ...context.items].find((item) => !FhirReference.safeParse(item.ref).success);
  if (bad)
    throw new InvalidInputError(
      `The EHR sent a ${bad.ref.split('/')[0]} whose id is not a FHIR id (letters, digits, - and .)`,
    );
  return context;
}
