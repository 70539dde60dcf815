import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SuggestionSet } from '@aloe/shared/schemas';
import { describe, expect, it } from '@jest/globals';
import type { Communication, DetectedIssue, Device, Provenance, Resource } from '@medplum/fhirtypes';
import { AI_DEVICE_TYPE, AI_KIND_EXTENSION_URL, AIAST, LARGE_LANGUAGE_MODEL } from './ai-transparency.js';
import { buildWriteBackTransaction } from './build-transaction.js';
import { validationProblems } from './validate-resources.js';

const HL7_EXAMPLES = join(process.cwd(), '../../../shared/data/fhir-r4-examples/hl7-fhir-r4-examples-4.0.1');

const set: SuggestionSet = {
  setId: '11111111-2222-4333-8444-555555555555',
  contextId: '66666666-7777-4888-8999-aaaaaaaaaaaa',
  patient: { ref: 'Patient/p1', pseudonym: 'pseudonym-000000000001' },
  fhirBase: 'http://ehr/fhir/R4',
  model: {
    id: 'aloe@sha256:abc',
    name: 'Llama3.1-Aloe-Beta-8B Q4_K_M',
    fileSha256: 'd'.repeat(64),
    quantization: 'Q4_K_M',
    chatTemplate: 'Llama3_1ChatWrapper',
    testModel: false,
    params: {},
  },
  suggestions: [
    {
      id: 'a',
      kind: 'medication-safety',
      title: 'Interaction',
      text: 'T',
      citations: ['MedicationRequest/m1', 'MedicationRequest/m2'],
      verdict: 'warn',
      reasons: [],
    },
    {
      id: 'b',
      kind: 'summary',
      title: 'Summary',
      text: 'S',
      citations: ['Condition/c1'],
      verdict: 'allow',
      reasons: [],
    },
    {
      id: 'c',
      kind: 'care-gap',
      title: 'Blocked',
      text: 'X',
      citations: ['Condition/c1'],
      verdict: 'block',
      reasons: [],
    },
  ],
  evidence: [],
  inputFindings: [],
  disclaimer: 'AI-generated; review before acting.',
  producedAt: '2026-11-24T08:00:00.000Z',
  timingsMs: {},
};

const knowledgeSuggestion: SuggestionSet['suggestions'][number] = {
  id: 'k1',
  kind: 'medication-safety',
  title: 'Interaction: warfarin + ibuprofen, bleeding risk',
  text: 'Warfarin with an NSAID raises the risk of bleeding. What to do: use only if the benefit outweighs the risk.',
  citations: ['MedicationRequest/m1', 'MedicationRequest/m2'],
  source: 'knowledge',
  findingId: 'k0123456789abcdef0123',
  guideline: { label: 'HL7 PDDI-CDS IG: warfarin + NSAIDs', url: 'https://build.fhir.org/ig/HL7/PDDI-CDS/' },
  verdict: 'warn',
  reasons: [
    { ruleId: 'knowledge.interaction.warfarin-nsaids', severity: 'critical', message: 'Interaction' },
  ],
};

describe('buildWriteBackTransaction', () => {
  it('builds Device, one resource per written suggestion and one Provenance, all as conditional creates', () => {
    const bundle = buildWriteBackTransaction(set)!;
    expect(bundle.type).toBe('transaction');
    expect(bundle.entry?.map((entry) => entry.resource?.resourceType)).toEqual([
      'Device',
      'DetectedIssue',
      'Communication',
      'Provenance',
    ]);
    expect(bundle.entry?.map((entry) => entry.request?.ifNoneExist)).toEqual([
      `identifier=urn:aloe:model-sha256|${'d'.repeat(64)}`,
      `identifier=urn:aloe:suggestion|${set.contextId}/a`,
      `identifier=urn:aloe:suggestion|${set.contextId}/b`,
      `_tag=urn:aloe:provenance|${set.setId}/model`,
    ]);
    expect(JSON.stringify(bundle)).not.toContain('Blocked');
  });

  it('writes the rules’ suggestions under the rules Device, without the AI label, with their guideline', () => {
    const ruled: SuggestionSet = {
      ...set,
      suggestions: [...set.suggestions, knowledgeSuggestion],
      knowledgeCoverage: { rulesVersion: 'ck-1.0.0+abc', findings: [] },
    };
    const entries = buildWriteBackTransaction(ruled)!.entry!;
    expect(entries.map((entry) => entry.resource?.resourceType)).toEqual([
      'Device',
      'DetectedIssue',
      'Communication',
      'Provenance',
      'Device',
      'DetectedIssue',
      'Provenance',
    ]);
    const [rulesDevice, issue, provenance] = entries.slice(4).map((entry) => entry.resource!) as [
      Device,
      DetectedIssue,
      Provenance,
    ];
    expect(rulesDevice.type?.text).toMatch(/not AI/);
    expect(entries[4]!.request?.ifNoneExist).toBe('identifier=urn:aloe:knowledge-rules|ck-1.0.0+abc');
    expect(issue.meta?.security).toBeUndefined();
    expect(issue.reference).toBe('https://build.fhir.org/ig/HL7/PDDI-CDS/');
    expect(issue.detail).toMatch(/Clinical rule knowledge\.interaction\.warfarin-nsaids \(not AI\)/);
    expect(issue.detail).not.toContain(set.disclaimer);
    expect(issue.author?.reference).toBe(entries[4]!.fullUrl);
    // Not AI-asserted: no AIAST label on the rules' Provenance; treatment as its purpose of use.
    expect(provenance.meta?.security).toBeUndefined();
    expect(provenance.reason?.[0]?.coding?.[0]).toMatchObject({ code: 'TREAT' });
    expect(rulesDevice.type?.coding?.map((coding) => coding.code)).toEqual(['706689003']);
    expect(issue.code).toEqual({
      coding: [
        {
          system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
          code: 'DRG',
          display: 'Drug Interaction Alert',
        },
      ],
      text: knowledgeSuggestion.title,
    });
    expect(entries[6]!.request?.ifNoneExist).toBe(`_tag=urn:aloe:provenance|${set.setId}/knowledge`);
    // The model's resources keep the label.
    expect((entries[1]!.resource as DetectedIssue).meta?.security?.[0]?.code).toBe('AIAST');
    for (const entry of entries) expect(validationProblems(entry.resource!)).toEqual([]);
  });

  it('marks the model’s output as the AI Transparency IG says: AIAST in meta.security, an AI Device', () => {
    const entries = buildWriteBackTransaction(set)!.entry!;
    const [device, issue, note, provenance] = entries.map((entry) => entry.resource!) as [
      Device,
      DetectedIssue,
      Communication,
      Provenance,
    ];
    for (const labelled of [issue, note, provenance]) expect(labelled.meta?.security).toEqual([{ ...AIAST }]);
    // R4 binds Provenance.reason to PurposeOfUse: AIAST is a security label, not a reason.
    expect(provenance.reason).toEqual([
      {
        coding: [
          {
            system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason',
            code: 'TREAT',
            display: 'treatment',
          },
        ],
      },
    ]);
    expect(device.type?.coding?.[0]).toEqual({ ...AI_DEVICE_TYPE });
    expect(device.extension).toEqual([
      { url: AI_KIND_EXTENSION_URL, valueCodeableConcept: { coding: [{ ...LARGE_LANGUAGE_MODEL }] } },
    ]);
    expect(device.manufacturer).toBe('HPAI-BSC');
    expect(device.version).toEqual([{ value: set.model.id }]);
    // A medication-safety suggestion with no rule behind it: the root detected-issue code.
    expect(issue.code).toMatchObject({ coding: [{ code: 'ISSUE' }], text: 'Interaction' });

    const testModel = buildWriteBackTransaction({ ...set, model: { ...set.model, testModel: true } })!;
    const testDevice = testModel.entry![0]!.resource as Device;
    expect(testDevice.manufacturer).toMatch(/TEST MODEL/);
    expect(testDevice.type?.text).toMatch(/TEST MODEL/);
  });

  it('is deterministic: the same set builds the same bundle', () => {
    expect(buildWriteBackTransaction(set)).toEqual(buildWriteBackTransaction(structuredClone(set)));
  });

  it('writes nothing when every suggestion is blocked', () => {
    expect(buildWriteBackTransaction({ ...set, suggestions: [set.suggestions[2]!] })).toBeUndefined();
  });

  it('builds resources that are valid FHIR R4', () => {
    for (const entry of buildWriteBackTransaction(set)!.entry!)
      expect(validationProblems(entry.resource!)).toEqual([]);
  });

  (existsSync(HL7_EXAMPLES) ? it : it.skip)(
    'passes the same validation as the HL7 R4 examples of the same types',
    () => {
      const written = buildWriteBackTransaction(set)!.entry!.map((entry) => entry.resource!);
      for (const [type, example] of [
        ['DetectedIssue', 'DetectedIssue-ddi.json'],
        ['Communication', 'Communication-example.json'],
        ['Provenance', 'Provenance-example.json'],
        ['Device', 'Device-example.json'],
      ] as const) {
        const hl7 = JSON.parse(readFileSync(join(HL7_EXAMPLES, example), 'utf8')) as Resource;
        // The validator accepts the official example, so its verdict on ours means something.
        expect(validationProblems(hl7)).toEqual([]);
        const ours = written.find((resource) => resource.resourceType === type)!;
        expect(ours.resourceType).toBe(hl7.resourceType);
        expect(validationProblems(ours)).toEqual([]);
      }
    },
  );
});
