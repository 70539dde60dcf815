// Context extraction with fhir-kit-client from the sandbox EHR over real HTTP.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createSandboxEhr, FHIR_BASE_PATH, fhirBuilders, loadBundle, SEED_PATIENTS } from '@aloe/sandbox-ehr';
import { MAX_ITEM_TEXT_CHARS, PatientContext } from '@aloe/shared/schemas';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Bundle, Patient, Resource } from '@medplum/fhirtypes';
import { fromPrefetch } from '../context/from-prefetch.js';
import { createFhirClient, type FhirClient } from '../ehr/fhir-client.js';
import { type CaptureDeps, captureContext, contextFromPrefetch } from './capture-context.js';
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
  await loadBundle(ehr.router, ehr.repo, fhirBuilders.transaction(longChart()));
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

const NOW = new Date('2026-11-24T08:00:00Z');
const daysBefore = (days: number) => new Date(NOW.getTime() - days * 86_400_000).toISOString();
const LONG_CHART = {
  /** Creatinine results on each of the last 230 days: 30 more than the limit of 200. */
  inWindow: 230,
  /** ... and on 37 days more than a year ago (400 to 436 days back): outside the 365-day window. */
  older: 37,
};

/**
 * A chart longer than the context's windows and limits: years of results, a stopped order from two
 * years ago, a resolved problem and a note longer than an item carries.
 */
function longChart(): Resource[] {
  const { patient, observation, medicationRequest, condition, clinicalNote } = fhirBuilders;
  const subject = patient('aloe-long-chart', 'Long', 'Chart', 'male', '1950-03-02');
  const creatinine = (id: string, days: number) =>
    observation(
      id,
      subject,
      '2160-0',
      'Creatinine',
      { value: 1.1, unit: 'mg/dL' },
      daysBefore(days),
      'laboratory',
    );
  const stopped = {
    ...medicationRequest(
      'aloe-long-chart-naproxen',
      subject,
      '198013',
      'Naproxen 500 MG Oral Tablet',
      { text: '500 mg twice daily', value: 500, unit: 'mg', perDay: 2 },
      '2024-11-01',
    ),
    status: 'stopped' as const,
  };
  const resolved = {
    ...condition('aloe-long-chart-flu', subject, '6142004', 'Influenza', '2023-01-10'),
    clinicalStatus: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'resolved' }],
    },
  };
  return [
    subject,
    ...Array.from({ length: LONG_CHART.inWindow }, (_, day) =>
      creatinine(`aloe-long-chart-recent-${day}`, day + 1),
    ),
    ...Array.from({ length: LONG_CHART.older }, (_, day) =>
      creatinine(`aloe-long-chart-old-${day}`, 400 + day),
    ),
    stopped,
    resolved,
    clinicalNote('aloe-long-chart-note', subject, daysBefore(3), 'Long history. '.repeat(2_000)),
  ];
}

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

describe('captureContext of a chart longer than its windows and limits', () => {
  it('counts, by type and reason, what each window and limit leaves out', async () => {
    const context = await capture('aloe-long-chart');
    const observations = context.items.filter((item) => item.kind === 'observation');
    expect(observations).toHaveLength(200);
    // The newest are kept: the oldest kept result is the 200th day back.
    expect(observations.map((item) => item.date).sort()[0]).toBe(daysBefore(200));
    expect(context.items.find((item) => item.kind === 'note')?.text).toHaveLength(MAX_ITEM_TEXT_CHARS);
    expect(context.omitted).toEqual([
      { type: 'Condition', reason: 'inactive', count: 1 },
      { type: 'DocumentReference', reason: 'text-truncated', count: 1, bound: MAX_ITEM_TEXT_CHARS },
      { type: 'MedicationRequest', reason: 'ended-before-window', count: 1, bound: 180 },
      { type: 'Observation', reason: 'outside-window', count: LONG_CHART.older, bound: 365 },
      { type: 'Observation', reason: 'over-limit', count: LONG_CHART.inWindow - 200, bound: 200 },
    ]);
    expect(PatientContext.parse(context).omitted).toEqual(context.omitted);
  });

  it('counts the same whatever the page size, and what a page cap leaves unread', async () => {
    const paged = await capture('aloe-long-chart', { pageSize: 20 });
    const whole = await capture('aloe-long-chart');
    expect(paged.omitted).toEqual(whole.omitted);
    const capped = await capture('aloe-long-chart', { pageSize: 20, maxPages: 3 });
    expect(capped.items.filter((item) => item.kind === 'observation')).toHaveLength(60);
    expect(capped.omitted?.filter((omission) => omission.type === 'Observation')).toEqual([
      { type: 'Observation', reason: 'outside-window', count: LONG_CHART.older, bound: 365 },
      { type: 'Observation', reason: 'paging-stopped', count: LONG_CHART.inWindow - 60, bound: 3 },
    ]);
  });

  it('cuts what the EHR prefetched to the same window and limit, and counts what it held back', async () => {
    const search = (count: number) =>
      client.search({
        resourceType: 'Observation',
        searchParams: { patient: 'Patient/aloe-long-chart', _sort: '-date', _count: count },
      });
    const request = (prefetch: Record<string, unknown>) => ({
      patientId: 'aloe-long-chart',
      trigger: { kind: 'cds-hook' as const, hook: 'patient-view' },
      tasks: ['medication-safety' as const],
      prefetched: fromPrefetch(prefetch, 'aloe-long-chart'),
    });
    const observationOmissions = (context: PatientContext) =>
      context.omitted?.filter((omission) => omission.type === 'Observation');

    // Every result sent: the window and the limit cut it as the searches would have.
    const everything = await search(1_000);
    const read = await capture('aloe-long-chart');
    for (const context of [
      contextFromPrefetch(deps, request({ observations: everything })),
      await captureContext(deps, request({ observations: everything })),
    ]) {
      expect(observationOmissions(context)).toEqual(observationOmissions(read));
      expect(
        context.items
          .filter((item) => item.kind === 'observation')
          .map((item) => item.ref)
          .sort(),
      ).toEqual(
        read.items
          .filter((item) => item.kind === 'observation')
          .map((item) => item.ref)
          .sort(),
      );
    }

    // Our template's first page of 200: the rest is counted as not sent.
    const firstPage = contextFromPrefetch(deps, request({ observations: await search(200) }));
    expect(observationOmissions(firstPage)).toEqual([
      {
        type: 'Observation',
        reason: 'not-prefetched',
        count: LONG_CHART.inWindow + LONG_CHART.older - 200,
        bound: 200,
      },
    ]);
  });

  it('records nothing left out of a chart that fits', async () => {
    const context = await capture('aloe-poly');
    expect(context.omitted).toEqual([]);
  });
});
