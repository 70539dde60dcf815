import { SEED_PATIENTS } from '@aloe/sandbox-ehr';
import type { Bundle, Observation, Patient } from '@medplum/fhirtypes';

export interface SyntheticPatient {
  /** The FHIR id of the copy, e.g. `c17-poly`. */
  id: string;
  /** Which seed patient it was copied from. */
  seedId: string;
  bundle: Bundle;
}

const DAY_MS = 86_400_000;
const SURNAME_SUFFIXES = ['son', 'berg', 'ley', 'ford', 'wick', 'ton', 'dale', 'more'];

/** `aloe-poly…` → `c17-poly…` wherever an id stands: a resource id, a reference, a transaction URL. */
function renameIds(bundle: Bundle, copy: number): Bundle {
  const text = JSON.stringify(bundle).replace(/(["/])aloe-/g, `$1c${copy}-`);
  if (/["/]aloe-/.test(text)) throw new Error(`copy ${copy}: an id was left unrenamed`);
  return JSON.parse(text) as Bundle;
}

/** A date shifted by `days`, in the form it was written in (date or date-time). */
function shiftDate(date: string, days: number): string {
  const shifted = new Date(new Date(date).getTime() + days * DAY_MS).toISOString();
  return date.length === 10 ? shifted.slice(0, 10) : shifted;
}

/**
 * `count` synthetic patients for load tests, copied round-robin from the project's own seed patients
 * (infra/sandbox-ehr/src/seed; made up, no real person): each copy has its own ids, name, MRN and birth
 * date (shifted by up to ±180 days), and observation values varied by up to ±6 %, so no two charts are
 * the same while each still shows its seed's clinical case.
 */
export function syntheticPatients(count: number): SyntheticPatient[] {
  return Array.from({ length: count }, (_, copy) => {
    const seed = SEED_PATIENTS[copy % SEED_PATIENTS.length]!;
    const bundle = renameIds(seed.bundle, copy);
    const variation = 1 + ((copy % 7) - 3) * 0.02;
    const birthShiftDays = ((copy * 53) % 361) - 180;
    for (const entry of bundle.entry ?? []) {
      const resource = entry.resource;
      if (resource?.resourceType === 'Patient') {
        const patient = resource as Patient;
        const name = patient.name?.[0];
        if (name?.family)
          name.family = `${name.family}${SURNAME_SUFFIXES[copy % SURNAME_SUFFIXES.length]}${copy}`;
        if (patient.birthDate) patient.birthDate = shiftDate(patient.birthDate, birthShiftDays);
        for (const identifier of patient.identifier ?? [])
          if (identifier.value) identifier.value = `MRN-${patient.id!.toUpperCase()}`;
      }
      if (resource?.resourceType === 'Observation') {
        const quantity = (resource as Observation).valueQuantity;
        if (quantity?.value !== undefined) quantity.value = Math.round(quantity.value * variation * 10) / 10;
      }
    }
    const patientId = seed.id.replace(/^aloe-/, `c${copy}-`);
    return { id: patientId, seedId: seed.id, bundle };
  });
}
