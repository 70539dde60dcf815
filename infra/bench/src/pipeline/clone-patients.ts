import { SEED_PATIENTS } from '@aloe/sandbox-ehr';
import type { Bundle, Patient } from '@medplum/fhirtypes';

export interface ClonedPatient {
  /** The FHIR id of the copy, e.g. `bench7-poly`. */
  id: string;
  seedId: string;
  /** The seed's transaction Bundle with every `aloe-…` id renamed. */
  bundle: Bundle;
}

/**
 * `count` new patients for the pipeline bench, copied round-robin from the sandbox EHR's own seed patients
 * (made up, no real person) under new ids: `aloe-poly` → `<prefix><n>-poly` wherever an id stands (a
 * resource id, a reference, a transaction URL), and a matching MRN. A new id is a new patient to the
 * pipeline (another pseudonym, no earlier decision), so each copy is analysed in full.
 */
export function clonePatients(count: number, prefix: string, first = 0): ClonedPatient[] {
  if (!/^[a-z][a-z0-9]*$/.test(prefix))
    throw new Error(`clone prefix "${prefix}": must be lowercase letters and digits`);
  return Array.from({ length: count }, (_, i) => {
    const copy = first + i;
    const seed = SEED_PATIENTS[copy % SEED_PATIENTS.length]!;
    const idPrefix = `${prefix}${copy}-`;
    const text = JSON.stringify(seed.bundle).replace(/(["/])aloe-/g, `$1${idPrefix}`);
    if (/["/]aloe-/.test(text)) throw new Error(`copy ${copy} of ${seed.id}: an id was left unrenamed`);
    const bundle = JSON.parse(text) as Bundle;
    const id = seed.id.replace(/^aloe-/, idPrefix);
    for (const entry of bundle.entry ?? []) {
      if (entry.resource?.resourceType !== 'Patient') continue;
      for (const identifier of (entry.resource as Patient).identifier ?? [])
        if (identifier.value) identifier.value = `MRN-${id.toUpperCase()}`;
    }
    return { id, seedId: seed.id, bundle };
  });
}
