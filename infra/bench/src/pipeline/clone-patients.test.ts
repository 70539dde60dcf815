import { SEED_PATIENTS } from '@aloe/sandbox-ehr';
import { describe, expect, it } from '@jest/globals';
import type { Patient } from '@medplum/fhirtypes';
import { clonePatients } from './clone-patients.js';

describe('clonePatients', () => {
  it('copies the seeds round-robin under new ids, leaving no seed id behind', () => {
    const clones = clonePatients(SEED_PATIENTS.length + 1, 'bench', 3);
    expect(clones.map((clone) => clone.seedId)).toEqual([
      ...SEED_PATIENTS.slice(3).map((seed) => seed.id),
      ...SEED_PATIENTS.slice(0, 4).map((seed) => seed.id),
    ]);
    expect(clones[0]!.id).toBe(SEED_PATIENTS[3]!.id.replace('aloe-', 'bench3-'));
    for (const clone of clones) {
      const text = JSON.stringify(clone.bundle);
      expect(text).not.toMatch(/["/]aloe-/);
      const patient = clone.bundle.entry?.find((entry) => entry.resource?.resourceType === 'Patient')
        ?.resource as Patient;
      expect(patient.id).toBe(clone.id);
      expect(patient.identifier?.[0]?.value).toBe(`MRN-${clone.id.toUpperCase()}`);
    }
    expect(new Set(clones.map((clone) => clone.id)).size).toBe(clones.length);
  });

  it('keeps the seed chart: same resources, references renamed alike', () => {
    const [clone] = clonePatients(1, 'b');
    const seed = SEED_PATIENTS[0]!;
    expect(clone!.bundle.entry).toHaveLength(seed.bundle.entry!.length);
    expect(JSON.stringify(clone!.bundle)).toContain(`"reference":"Patient/${clone!.id}"`);
  });

  it('refuses a prefix that would not make a FHIR id of ours', () => {
    expect(() => clonePatients(1, 'Bad-prefix')).toThrow('must be lowercase letters and digits');
  });
});
