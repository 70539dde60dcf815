// Context extraction with fhir-kit-client from the sandbox EHR over real HTTP.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createSandboxEhr, FHIR_BASE_PATH, loadBundle, SEED_PATIENTS } from '@aloe/sandbox-ehr';
import { PatientContext } from '@aloe/shared/schemas';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Bundle, Patient } from '@medplum/fhirtypes';
import { createFhirClient, type FhirClient } from '../ehr/fhir-client.js';
import { type CaptureDeps, captureContext } from './capture-context.js';
import { checkChart } from './check-chart.js';

const SYNTHEA_DIR = join(
  process.cwd(),
  '../../../shared/data/fhir-r4-synthea/smart-on-fhir-generated-sample-data',
);
const hasSynthea = existsSync(SYNTHEA_DIR);

let server: Server;
let deps: CaptureDeps;
let client: FhirClient;
const syntheaPatients: string[] = [];
/** What each Synthea patient was chosen for (its index.json), by the id the sandbox gave it. */
const whySelected = new Map<string, string>();

beforeAll(async () => {
  const ehr = createSandboxEhr();
  for (const patient of SEED_PATIENTS) await loadBundle(ehr.router, ehr.repo, patient.bundle);
  if (hasSynthea) {
    for (const file of (await readdir(SYNTHEA_DIR)).filter(
      (name) => name.endsWith('.json') && name !== 'index.json',
    )) {
      const bundle = JSON.parse(await readFile(join(SYNTHEA_DIR, file), 'utf8')) as Bundle;
      const response = await loadBundle(ehr.router, ehr.repo, bundle);
      const patient = response.entry?.find((entry) => entry.response?.location?.startsWith('Patient/'));
      const id = patient!.response!.location!.split('/')[1]!;
      syntheaPatients.push(id);
      const index = JSON.parse(await readFile(join(SYNTHEA_DIR, 'index.json'), 'utf8')) as Array<{
        file: string;
        why_selected: string;
      }>;
      whySelected.set(id, index.find((entry) => entry.file === file)?.why_selected ?? '');
    }
  }
  server = await new Promise<Server>((resolve) => {
    const listening = ehr.app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const fhirBase = `http://127.0.0.1:${(server.address() as AddressInfo).port}${FHIR_BASE_PATH}`;
  client = createFhirClient({ baseUrl: fhirBase });
  deps = {
    client: async () => client,
    fhirBase,
    pseudonymKey: 'test-pseudonym-key-with-at-least-32-chars',
    now: () => new Date('2026-11-24T08:00:00Z'),
    newId: randomUUID,
    read: { observationWindowDays: 365, observationLimit: 200, includeNotes: true },
  };
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const capture = (patientId: string, overrides: Partial<CaptureDeps['read']> = {}) =>
  captureContext(
    { ...deps, read: { ...deps.read, ...overrides } },
    { patientId, trigger: { kind: 'api' }, tasks: ['medication-safety'] },
  );

describe('captureContext from the sandbox EHR', () => {
  it('extracts the polypharmacy patient with references back to each resource', async () => {
    const context = await capture('aloe-poly');
    expect(context.patient).toMatchObject({ ref: 'Patient/aloe-poly', ageYears: 78, sex: 'female' });
    const refs = context.items.map((item) => item.ref);
    expect(refs).toEqual(
      expect.arrayContaining([
        'MedicationRequest/aloe-poly-warfarin',
        'MedicationRequest/aloe-poly-ibuprofen',
        'Observation/aloe-poly-inr',
      ]),
    );
    const inr = context.items.find((item) => item.ref === 'Observation/aloe-poly-inr');
    expect(inr).toMatchObject({
      kind: 'observation',
      value: { value: 3.6 },
      code: { system: 'http://loinc.org', code: '6301-6' },
    });
    const warfarin = context.items.find((item) => item.ref === 'MedicationRequest/aloe-poly-warfarin');
    expect(warfarin?.dose).toEqual({
      text: '5 mg once daily',
      quantity: { value: 5, unit: 'mg' },
      frequencyPerDay: 1,
      route: 'Oral route',
    });
  });

  it('gives the same patient the same pseudonym every time, and different patients different ones', async () => {
    const [a, b, c] = await Promise.all([capture('aloe-ckd'), capture('aloe-ckd'), capture('aloe-child')]);
    expect(a.patient.pseudonym).toBe(b.patient.pseudonym);
    expect(a.patient.pseudonym).not.toBe(c.patient.pseudonym);
    expect(a.contextId).not.toBe(b.contextId);
  });

  it('carries the note with the hidden instruction as untrusted text', async () => {
    const context = await capture('aloe-injection');
    const note = context.items.find((item) => item.kind === 'note');
    expect(note?.ref).toBe('DocumentReference/aloe-injection-note');
    expect(note?.text).toContain('ignore all previous instructions');
  });

  it('follows Bundle paging: two resources a page gives the same items as one page', async () => {
    const paged = await capture('aloe-poly', { pageSize: 2 });
    const whole = await capture('aloe-poly');
    expect(paged.items.map((item) => item.ref).sort()).toEqual(whole.items.map((item) => item.ref).sort());
    expect(paged.items.filter((item) => item.kind === 'medication')).toHaveLength(5);
  });

  it('answers NOT_FOUND for a patient the EHR does not have', async () => {
    await expect(capture('nobody')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  (hasSynthea ? it : it.skip)('extracts all 30 Synthea patients into valid PatientContexts', async () => {
    expect(syntheaPatients).toHaveLength(30);
    for (const patientId of syntheaPatients) {
      const context = await capture(patientId, { observationWindowDays: 36_500 });
      expect(PatientContext.safeParse(context).success).toBe(true);
      expect(context.items.length).toBeGreaterThan(0);
      const patient = (await client.read({
        resourceType: 'Patient',
        id: patientId,
      })) as unknown as Patient;
      expect(JSON.stringify(context)).not.toContain(patient.name?.[0]?.family ?? '∅');
    }
  });

  (hasSynthea ? it : it.skip)(
    'checks every Synthea chart with the clinical rules, each finding citing resources of the chart',
    async () => {
      const now = new Date('2026-11-24T08:00:00Z');
      const found = new Map<string, string[]>();
      for (const patientId of syntheaPatients) {
        const context = await capture(patientId, { observationWindowDays: 36_500 });
        const report = checkChart(context, [], now);
        const refs = new Set([context.patient.ref, ...context.items.map((item) => item.ref)]);
        for (const finding of report.findings) for (const ref of finding.refs) expect(refs).toContain(ref);
        expect(report.evidence.map((item) => item.ref).sort()).toEqual(
          [...new Set(report.findings.flatMap((f) => f.refs))].sort(),
        );
        found.set(
          patientId,
          report.findings.map((finding) => finding.ruleId),
        );
        if (context.patient.deceased)
          expect(found.get(patientId)!.some((id) => id.startsWith('knowledge.deceased.'))).toBe(true);
      }
      // The patients chosen for an interaction get it.
      const digoxinVerapamil = syntheaPatients.filter((id) =>
        /digoxin \+ verapamil/.test(whySelected.get(id)!),
      );
      expect(digoxinVerapamil.length).toBeGreaterThan(0);
      for (const id of digoxinVerapamil)
        expect(found.get(id)).toContain('knowledge.interaction.digoxin-non-dihydropyridine-ccb');
    },
  );
});
