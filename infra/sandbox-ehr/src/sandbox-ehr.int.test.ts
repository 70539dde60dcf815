// The sandbox EHR over real HTTP: seeding, validation, narrowed searches, paging, transactions,
// Synthea bundles and rest-hook subscriptions.
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Bundle, Resource } from '@medplum/fhirtypes';
import { createSandboxEhr, FHIR_BASE_PATH, type SandboxEhr } from './create-sandbox-ehr.js';
import { loadBundle } from './load-bundle.js';
import { SEED_PATIENTS } from './seed/synthetic-patients.js';

const SYNTHEA_DIR = join(
  process.cwd(),
  '../../../shared/data/fhir-r4-synthea/smart-on-fhir-generated-sample-data',
);

let ehr: SandboxEhr;
let server: Server;
let base: string;

beforeAll(async () => {
  ehr = createSandboxEhr();
  for (const patient of SEED_PATIENTS) await loadBundle(ehr.router, ehr.repo, patient.bundle);
  server = await new Promise<Server>((resolve) => {
    const listening = ehr.app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}${FHIR_BASE_PATH}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

async function fhir<T = Resource>(
  path: string,
  init: RequestInit = {},
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${base}/${path}`, {
    ...init,
    headers: { 'content-type': 'application/fhir+json', accept: 'application/fhir+json', ...init.headers },
  });
  expect(response.headers.get('content-type')).toContain('application/fhir+json');
  return { status: response.status, body: (await response.json()) as T };
}

const ids = (bundle: Bundle) => (bundle.entry ?? []).map((entry) => entry.resource?.id).sort();

describe('the seeded synthetic patients', () => {
  it('are all there, each with its clinical record', async () => {
    const { body } = await fhir<Bundle>('Patient?_count=100');
    expect(ids(body)).toEqual(expect.arrayContaining(SEED_PATIENTS.map((patient) => patient.id)));
    const meds = await fhir<Bundle>('MedicationRequest?patient=Patient/aloe-poly&status=active');
    expect(ids(meds.body)).toEqual([
      'aloe-poly-atorvastatin',
      'aloe-poly-ibuprofen',
      'aloe-poly-metoprolol',
      'aloe-poly-omeprazole',
      'aloe-poly-warfarin',
    ]);
    const allergies = await fhir<Bundle>('AllergyIntolerance?patient=Patient/aloe-allergy');
    expect(ids(allergies.body)).toEqual(['aloe-allergy-penicillin']);
  });

  it('include a note that hides an instruction to the model', async () => {
    const { body } = await fhir<Bundle>('DocumentReference?patient=Patient/aloe-injection');
    const note = body.entry?.[0]?.resource as { content: Array<{ attachment: { data: string } }> };
    expect(Buffer.from(note.content[0]!.attachment.data, 'base64').toString()).toMatch(
      /ignore all previous instructions/,
    );
  });

  it('can be seeded again without duplicates (PUT by id)', async () => {
    const before = await fhir<Bundle>('Condition?patient=Patient/aloe-ckd');
    await loadBundle(
      ehr.router,
      ehr.repo,
      SEED_PATIENTS.find((patient) => patient.id === 'aloe-ckd')!.bundle,
    );
    const after = await fhir<Bundle>('Condition?patient=Patient/aloe-ckd');
    expect(ids(after.body)).toEqual(ids(before.body));
  });
});

describe('FHIR REST', () => {
  it('refuses an invalid resource with a 400 OperationOutcome naming each problem', async () => {
    const { status, body } = await fhir<{ resourceType: string; issue: Array<{ expression: string[] }> }>(
      'Patient',
      {
        method: 'POST',
        body: JSON.stringify({ resourceType: 'Patient', birthDate: '31/01/1950', nickname: 'x' }),
      },
    );
    expect(status).toBe(400);
    expect(body.resourceType).toBe('OperationOutcome');
    expect(body.issue.map((issue) => issue.expression[0]).sort()).toEqual([
      'Patient.birthDate',
      'Patient.nickname',
    ]);
  });

  it('searches by patient only within that patient (narrowed search parameters)', async () => {
    const { body } = await fhir<Bundle>('Condition?patient=Patient/aloe-child');
    expect(ids(body)).toEqual(['aloe-child-asthma']);
    const bySubject = await fhir<Bundle>('Observation?subject=Patient/aloe-ckd');
    expect(ids(bySubject.body)).toEqual(['aloe-ckd-creatinine', 'aloe-ckd-egfr', 'aloe-ckd-hba1c']);
  });

  it('filters and sorts by clinical date (narrowed date parameters)', async () => {
    const newest = await fhir<Bundle>('Observation?patient=Patient/aloe-poly&_sort=-date');
    expect(ids(newest.body)).toEqual(['aloe-poly-bp', 'aloe-poly-inr']);
    expect(newest.body.entry?.map((entry) => entry.resource?.id)).toEqual(['aloe-poly-inr', 'aloe-poly-bp']);
    const oldest = await fhir<Bundle>('Observation?patient=Patient/aloe-poly&_sort=date');
    expect(oldest.body.entry?.map((entry) => entry.resource?.id)).toEqual(['aloe-poly-bp', 'aloe-poly-inr']);
    const recent = await fhir<Bundle>('Encounter?patient=Patient/aloe-child&date=ge2026-10-01');
    expect(ids(recent.body)).toEqual(['aloe-child-visit']);
    const none = await fhir<Bundle>('Encounter?patient=Patient/aloe-child&date=ge2026-10-06');
    expect(ids(none.body)).toEqual([]);
  });

  it('pages search results with next links', async () => {
    const first = await fhir<Bundle>('MedicationRequest?patient=Patient/aloe-poly&_count=2');
    expect(first.body.entry).toHaveLength(2);
    const next = first.body.link?.find((link) => link.relation === 'next')?.url;
    expect(next).toBeDefined();
    const second = await fhir<Bundle>(next!.slice(next!.indexOf('MedicationRequest')));
    expect(second.body.entry).toHaveLength(2);
    expect(ids(second.body)).not.toEqual(ids(first.body));
  });

  it('publishes its CapabilityStatement at /metadata', async () => {
    const { status, body } = await fhir<{ resourceType: string; fhirVersion: string }>('metadata');
    expect(status).toBe(200);
    expect(body).toMatchObject({ resourceType: 'CapabilityStatement', fhirVersion: '4.0.1' });
  });

  it('answers 404 with an OperationOutcome for a missing resource', async () => {
    const { status, body } = await fhir('Patient/does-not-exist');
    expect(status).toBe(404);
    expect(body.resourceType).toBe('OperationOutcome');
  });
});

describe('rest-hook subscriptions', () => {
  it('POSTs a matching resource to the subscriber, and nothing for one that does not match', async () => {
    const received: Array<{ body: string; auth: string | undefined }> = [];
    const subscriber = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => {
        received.push({ body, auth: request.headers.authorization });
        response.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => subscriber.listen(0, '127.0.0.1', resolve));
    try {
      const endpoint = `http://127.0.0.1:${(subscriber.address() as AddressInfo).port}/notify`;
      const created = await fhir('Subscription', {
        method: 'POST',
        body: JSON.stringify({
          resourceType: 'Subscription',
          status: 'active',
          reason: 'Patient context for the Aloe assistant',
          criteria: 'Encounter?status=in-progress',
          channel: {
            type: 'rest-hook',
            endpoint,
            payload: 'application/fhir+json',
            header: ['Authorization: Bearer s3cret'],
          },
        }),
      });
      expect(created.status).toBe(201);
      const encounter = (status: string) =>
        fhir('Encounter', {
          method: 'POST',
          body: JSON.stringify({
            resourceType: 'Encounter',
            status,
            class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
            subject: { reference: 'Patient/aloe-poly' },
          }),
        });
      await encounter('finished');
      const matching = await encounter('in-progress');
      await ehr.notificationsSettled();
      expect(received).toHaveLength(1);
      expect(JSON.parse(received[0]!.body)).toMatchObject({
        resourceType: 'Encounter',
        id: matching.body.id,
      });
      expect(received[0]!.auth).toBe('Bearer s3cret');
    } finally {
      await new Promise((resolve) => subscriber.close(resolve));
    }
  });
});

describe('Synthea patients', () => {
  const present = existsSync(SYNTHEA_DIR);
  (present ? it : it.skip)('load from all 30 transaction bundles, validated', async () => {
    const files = (await readdir(SYNTHEA_DIR)).filter(
      (file) => file.endsWith('.json') && file !== 'index.json',
    );
    expect(files).toHaveLength(30);
    const fresh = createSandboxEhr();
    for (const file of files) {
      await loadBundle(
        fresh.router,
        fresh.repo,
        JSON.parse(await readFile(join(SYNTHEA_DIR, file), 'utf8')) as Bundle,
      );
    }
    const patients = await fresh.repo.search({ resourceType: 'Patient', count: 100 });
    expect(patients.entry).toHaveLength(30);
  });
  if (!present) {
    it('are skipped: ../shared/data is absent on this machine', () => {
      console.warn(`Synthea bundles not found at ${SYNTHEA_DIR}; the Synthea load test was skipped`);
    });
  }
});
