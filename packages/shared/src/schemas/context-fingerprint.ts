import { createHash } from 'node:crypto';
import { canonicalJson } from '../canonical/canonical-json.js';
import type { PatientContext } from './patient-context.js';

/**
 * The chart state a context shows, as a SHA-256: the patient (reference, age, sex, deceased), the
 * normalised items (in a fixed order: the EHR's search order is not part of the chart), what the
 * windows and limits left out (more resources past a limit are a changed chart too) and the tasks
 * asked. What only says when and why it was captured (context id, time, trigger) is left out, so
 * reopening an unchanged chart gives the same fingerprint and one analysis serves every opening. A
 * context that leaves nothing out hashes as it did before omissions were recorded (no re-analysis).
 */
export function contextFingerprint(context: PatientContext): string {
  const { patient } = context;
  const items = context.items.map((item) => canonicalJson(item)).sort();
  const omitted = (context.omitted ?? []).map((omission) => canonicalJson(omission)).sort();
  return createHash('sha256')
    .update(
      canonicalJson({
        fhirBase: context.fhirBase,
        patient: {
          ref: patient.ref,
          ageYears: patient.ageYears,
          sex: patient.sex,
          deceased: patient.deceased,
        },
        items,
        ...(omitted.length > 0 ? { omitted } : {}),
        tasks: [...new Set(context.tasks)].sort(),
      }),
    )
    .digest('hex');
}
