// The HL7 FHIR validator (infra/fhir-validator, offline, R4 4.0.1) over every resource type the
// write-back writes, as the transactions that carry them: the model and rules Devices, DetectedIssues
// from the model and from the rules, Communications, both Provenances, what a newer set supersedes,
// a draft order cited in words, and the Device of the random-weight test model; and the AuditEvents
// of every kind (EHR read, write-back, review, CDS Hooks call, AI decision, clinician feedback), as
// the audit sink's transaction carries them. No errors allowed.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Suggestion, SuggestionSet } from '@aloe/shared/schemas';
import { describe, expect, it } from '@jest/globals';
import type {
  Bundle,
  BundleEntry,
  Communication,
  DetectedIssue,
  Device,
  Provenance,
} from '@medplum/fhirtypes';
import { type AuditKind, auditEventsOfEachKind } from '../../test/audit-events.js';
import {
  hl7ValidatorStatus,
  runHl7Validator,
  type ValidatorIssue,
  type ValidatorReport,
} from '../../test/hl7-validator.js';
import { AUDIT_EVENT_TAG_SYSTEM } from '../audit/audit-codes.js';
import { buildAuditTransaction } from '../audit/audit-transaction.js';
import { buildFhirAuditEvent } from '../audit/fhir-audit-event.js';
import { KNOWLEDGE_RULES_IDENTIFIER_SYSTEM } from './ai-transparency.js';
import { buildWriteBackTransaction } from './build-transaction.js';
import { acceptanceEntries } from './review.js';
import { supersedeEarlier, type WrittenSuggestion } from './supersede.js';

const validator = hl7ValidatorStatus();
if (!validator.ready) console.warn(`hl7-validator tests skipped: ${validator.why}`);

const ALOE = {
  id: 'aloe-8b@sha256:5e1c1d3a4b2f',
  name: 'Llama3.1-Aloe-Beta-8B Q4_K_M',
  fileSha256: '5e1c1d3a4b2f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d',
  quantization: 'Q4_K_M',
  chatTemplate: 'Llama3_1ChatWrapper',
  testModel: false,
  params: { temperature: 0.2 },
};
const TEST_MODEL = {
  id: 'aloe-test-tiny@sha256:37217638ca54',
  name: 'aloe-test-tiny-llama3 (random weights, TEST MODEL)',
  fileSha256: '37217638ca54d3e341e641a7165c63b7ee733d4369737fbfc9722c5f3b295f39',
  quantization: 'Q8_0',
  chatTemplate: 'Llama3ChatWrapper',
  testModel: true,
  params: {},
};

const knowledge = (id: string, ruleId: string, title: string, citations: string[]): Suggestion => ({
  id,
  kind: 'medication-safety',
  title,
  text: `${title}. What to do: review the order.`,
  citations,
  source: 'knowledge',
  findingId: `f-${id}`,
  guideline: {
    label: `Guideline behind ${ruleId}`,
    url: 'https://www.cdc.gov/mmwr/volumes/71/rr/rr7103a1.htm',
  },
  verdict: 'warn',
  severity: 'high',
  reasons: [{ ruleId, severity: 'critical', message: title }],
});

/** An order-sign analysis of a polypharmacy chart: every kind of suggestion the write-back handles. */
const set: SuggestionSet = {
  setId: '0b7f9c2e-4d1a-4e8b-9f3c-2a5d6e7f8a9b',
  contextId: '1c8a0d3f-5e2b-4f9c-8a4d-3b6e7f8a9b0c',
  patient: { ref: 'Patient/aloe-poly', pseudonym: 'hl7-validator-test-pseudonym' },
  fhirBase: 'http://127.0.0.1/fhir/R4',
  model: ALOE,
  trigger: { kind: 'cds-hook', hook: 'order-sign', hookInstance: 'd1577c69-dfbe-44ad-ba6d-3e05e953b2ea' },
  suggestions: [
    {
      id: 'ms-1',
      kind: 'medication-safety',
      title: 'Warfarin with ibuprofen: bleeding risk',
      text: 'INR 3.6 on warfarin; the ibuprofen order adds an NSAID.',
      rationale: 'NSAIDs inhibit platelets and injure the gastric mucosa.',
      citations: [
        'MedicationRequest/aloe-poly-warfarin',
        'MedicationRequest/draft-ibuprofen',
        'Observation/aloe-poly-inr',
      ],
      verdict: 'warn',
      severity: 'high',
      reasons: [
        { ruleId: 'knowledge.interaction.warfarin-nsaids', severity: 'warning', message: 'warfarin + NSAID' },
      ],
    },
    {
      id: 'ms-2',
      kind: 'medication-safety',
      title: 'Review the need for two antiplatelet agents',
      text: 'Aspirin and clopidogrel together beyond twelve months of a stent.',
      citations: ['MedicationRequest/aloe-poly-aspirin'],
      verdict: 'allow',
      severity: 'moderate',
      reasons: [],
    },
    {
      id: 'cg-1',
      kind: 'care-gap',
      title: 'Blood pressure above target',
      text: 'Systolic 148 mmHg at the last visit.',
      citations: ['Observation/aloe-poly-bp'],
      verdict: 'allow',
      reasons: [],
    },
    {
      id: 'sum-1',
      kind: 'summary',
      title: 'Anticoagulated patient with a new NSAID order',
      text: 'Atrial fibrillation on warfarin; the order being signed adds ibuprofen.',
      citations: ['Condition/aloe-poly-af', 'MedicationRequest/draft-ibuprofen'],
      verdict: 'allow',
      reasons: [],
    },
    knowledge('k-drg', 'knowledge.interaction.warfarin-nsaids', 'Interaction: warfarin + ibuprofen', [
      'MedicationRequest/aloe-poly-warfarin',
      'MedicationRequest/draft-ibuprofen',
    ]),
    knowledge('k-algy', 'knowledge.allergy.drug', 'Allergy: amoxicillin with a penicillin allergy', [
      'MedicationRequest/aloe-poly-amoxicillin',
      'AllergyIntolerance/aloe-poly-penicillin',
    ]),
    knowledge('k-renal', 'knowledge.renal.metformin', 'Kidney function: metformin at eGFR 24', [
      'MedicationRequest/aloe-poly-metformin',
      'Observation/aloe-poly-egfr',
    ]),
    knowledge('k-age', 'knowledge.age.benzodiazepines-older-adults', 'Age: diazepam at 81', [
      'MedicationRequest/aloe-poly-diazepam',
    ]),
    knowledge('k-mme', 'knowledge.opioid.rec04-mme', 'Opioid dose: 120 MME a day', [
      'MedicationRequest/aloe-poly-oxycodone',
    ]),
    knowledge('k-naloxone', 'knowledge.opioid.rec08-naloxone', 'No naloxone with 120 MME a day', [
      'MedicationRequest/aloe-poly-oxycodone',
    ]),
    knowledge('k-unknown', 'knowledge.unidentified-medication', 'Unidentified medication: Zx-17', [
      'MedicationStatement/aloe-poly-zx17',
    ]),
    {
      id: 'blocked-1',
      kind: 'summary',
      title: 'A blocked suggestion',
      text: 'Must never reach the EHR.',
      citations: ['Condition/aloe-poly-af'],
      verdict: 'block',
      reasons: [{ ruleId: 'output.harmful-content', severity: 'critical', message: 'blocked' }],
    },
  ],
  evidence: [
    { ref: 'MedicationRequest/aloe-poly-warfarin', kind: 'medication', display: 'Warfarin 5 MG' },
    {
      ref: 'MedicationRequest/draft-ibuprofen',
      kind: 'medication',
      display: 'Ibuprofen 600 MG',
      draft: true,
    },
    { ref: 'Observation/aloe-poly-inr', kind: 'observation', display: 'INR', value: '3.6' },
  ],
  inputFindings: [],
  disclaimer: 'AI-generated suggestion; a clinician must review it before acting.',
  knowledgeCoverage: { rulesVersion: 'ck-2026.11.0+3f2a1b', findings: [] },
  producedAt: '2026-11-25T09:00:00.000Z',
  timingsMs: { total: 1200 },
};

/** An earlier analysis by the test model, as the EHR holds it: what the set above supersedes. */
const earlierSet: SuggestionSet = {
  ...set,
  setId: '2d9b1e4a-6f3c-4a0d-8b5e-4c7f8a9b0c1d',
  contextId: '3e0c2f5b-7a4d-4b1e-9c6f-5d8a9b0c1d2e',
  model: TEST_MODEL,
  trigger: { kind: 'cds-hook', hook: 'patient-view' },
  suggestions: set.suggestions.filter((suggestion) => ['ms-1', 'cg-1'].includes(suggestion.id)),
  producedAt: '2026-11-25T08:00:00.000Z',
};

/** The write-back's own entries, and the superseding updates, as one transaction (as applySuggestions sends). */
function transactionOf(own: SuggestionSet, earlier: WrittenSuggestion[]): Bundle {
  const entries = [
    ...(buildWriteBackTransaction(own)?.entry ?? []),
    ...supersedeEarlier(own, { unreviewed: earlier, newer: [] }).entries,
  ];
  return { resourceType: 'Bundle', type: 'transaction', entry: entries };
}

/** The earlier set's suggestions as the EHR returns them: ids, versions, the Device referenced by its id. */
function storedSuggestions(bundle: Bundle): WrittenSuggestion[] {
  return (bundle.entry ?? [])
    .map((entry) => entry.resource)
    .filter((resource): resource is DetectedIssue | Communication =>
      ['DetectedIssue', 'Communication'].includes(resource?.resourceType ?? ''),
    )
    .map((resource, index): WrittenSuggestion => {
      const stored = {
        ...structuredClone(resource),
        id: `earlier-${index}`,
        meta: { ...resource.meta, versionId: '1', lastUpdated: '2026-11-25T08:00:01.000Z' },
      };
      const device = { reference: 'Device/test-model' };
      return stored.resourceType === 'DetectedIssue'
        ? { ...stored, author: device }
        : { ...stored, sender: device };
    });
}

/** The AuditEvents of every kind, as the audit sink sends them; their kind by event id. */
const auditKinds = new Map<string, AuditKind>();
function auditTransaction(): Bundle {
  const events = auditEventsOfEachKind(set.fhirBase);
  for (const [kind, event] of Object.entries(events)) auditKinds.set(event.eventId, kind as AuditKind);
  return buildAuditTransaction(
    Object.values(events).map((event) => ({ event, resource: buildFhirAuditEvent(event) })),
  );
}

/** What an entry is, for the report: the resource type, and which kind of it. */
function labelOf(entry: BundleEntry): string {
  const resource = entry.resource!;
  if (resource.resourceType === 'AuditEvent') {
    const eventId = resource.meta?.tag?.find((tag) => tag.system === AUDIT_EVENT_TAG_SYSTEM)?.code ?? '';
    return `AuditEvent (${auditKinds.get(eventId) ?? 'unknown'})`;
  }
  if (entry.request?.method === 'PUT')
    return resource.resourceType === 'Provenance'
      ? 'Provenance (verified by a clinician)'
      : `${resource.resourceType} (${['final', 'completed'].includes((resource as WrittenSuggestion).status) ? 'reviewed' : 'superseded'})`;
  switch (resource.resourceType) {
    case 'Device': {
      const device = resource as Device;
      if (device.identifier?.[0]?.system === KNOWLEDGE_RULES_IDENTIFIER_SYSTEM) return 'Device (rules)';
      return set.model.fileSha256 === device.identifier?.[0]?.value
        ? 'Device (model)'
        : 'Device (test model)';
    }
    case 'DetectedIssue':
      return (resource as DetectedIssue).meta?.security ? 'DetectedIssue (model)' : 'DetectedIssue (rules)';
    case 'Provenance':
      return (resource as Provenance).meta?.tag?.some((tag) => tag.code?.endsWith('/knowledge'))
        ? 'Provenance (rules)'
        : 'Provenance (model)';
    default:
      return resource.resourceType;
  }
}

const ENTRY = /^Bundle\.entry\[(\d+)\]/;
const isError = (issue: ValidatorIssue) => issue.severity === 'error' || issue.severity === 'fatal';

/** The validator's issues per kind of entry (an issue's location names its entry), errors spelled out. */
function tally(report: ValidatorReport, bundles: Record<string, Bundle>) {
  const rows = new Map<string, { entries: number; errors: number; warnings: number }>();
  const row = (label: string) => {
    if (!rows.has(label)) rows.set(label, { entries: 0, errors: 0, warnings: 0 });
    return rows.get(label)!;
  };
  const errors: string[] = [];
  const warnings = new Map<string, number>();
  for (const result of report.results) {
    const labels = (bundles[basename(result.file, '.json')]?.entry ?? []).map(labelOf);
    for (const label of labels) row(label).entries++;
    for (const issue of result.issues) {
      const label = labels[Number(ENTRY.exec(issue.location)?.[1] ?? -1)] ?? 'Bundle';
      if (isError(issue)) {
        row(label).errors++;
        errors.push(`${label} ${issue.location}: ${issue.message}`);
      } else if (issue.severity === 'warning') {
        row(label).warnings++;
        const key = `${label}: ${issue.message}`;
        warnings.set(key, (warnings.get(key) ?? 0) + 1);
      }
    }
  }
  return { rows, errors, warnings };
}

(validator.ready ? describe : describe.skip)(
  `the HL7 FHIR validator on what the write-back writes${validator.ready ? '' : ` (skipped: ${validator.why})`}`,
  () => {
    it('reports no errors for any resource type, and every type is there', async () => {
      const earlier = transactionOf(earlierSet, []);
      const stored = storedSuggestions(earlier);
      // A clinician accepted the earlier set's first suggestion: it is reviewed, its Provenance verified.
      const provenance = {
        ...structuredClone(
          earlier.entry!.find((entry) => entry.resource?.resourceType === 'Provenance')!.resource,
        ),
        id: 'earlier-provenance',
        meta: { versionId: '1' },
      } as Provenance;
      // As the EHR stores it: the transaction's urn references resolved to ids.
      provenance.target = [{ reference: `DetectedIssue/${stored[0]!.id}` }];
      provenance.agent = provenance.agent.map((agent) => ({
        ...agent,
        who: { reference: 'Device/test-model' },
      }));
      const reviewed: Bundle = {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: acceptanceEntries(earlierSet.fhirBase, 'Practitioner/dr-review', stored[0]!, provenance),
      };
      const bundles = { earlier, current: transactionOf(set, stored), reviewed, audit: auditTransaction() };
      const folder = mkdtempSync(join(tmpdir(), 'aloe-hl7-validator-'));
      const startedMs = Date.now();
      let report: ValidatorReport;
      try {
        for (const [name, bundle] of Object.entries(bundles))
          writeFileSync(join(folder, `${name}.json`), JSON.stringify(bundle, null, 2));
        report = await runHl7Validator([folder]);
      } finally {
        rmSync(folder, { recursive: true, force: true });
      }
      const { rows, errors, warnings } = tally(report, bundles);
      console.log(
        [
          `HL7 FHIR validator ${report.validator} (R4 ${report.fhirVersion}), ${report.results.length} transactions: ${Date.now() - startedMs} ms (engine load ${report.loadMs} ms, validation ${report.validateMs} ms)`,
          ...[...rows]
            .sort()
            .map(
              ([label, r]) => `  ${label}: ${r.entries} entries, ${r.errors} errors, ${r.warnings} warnings`,
            ),
          'warnings:',
          ...[...warnings].sort().map(([message, count]) => `  ${count} x ${message}`),
        ].join('\n'),
      );

      // The draft order of the order-sign hook was written in words, in both resource types.
      const written = bundles.current.entry!.map((entry) => entry.resource!);
      expect(JSON.stringify(written.filter((r) => r.resourceType === 'DetectedIssue'))).toContain(
        'Draft order',
      );
      expect(JSON.stringify(written.filter((r) => r.resourceType === 'Communication'))).toContain(
        'Draft order',
      );
      expect([...rows.keys()].sort()).toEqual([
        'AuditEvent (ai-decision)',
        'AuditEvent (cds-hook-call (failure))',
        'AuditEvent (cds-hook-call)',
        'AuditEvent (feedback-received (no clinician))',
        'AuditEvent (feedback-received)',
        'AuditEvent (fhir-read)',
        'AuditEvent (fhir-write (review))',
        'AuditEvent (fhir-write)',
        'Communication',
        'Communication (superseded)',
        'DetectedIssue (model)',
        'DetectedIssue (reviewed)',
        'DetectedIssue (rules)',
        'DetectedIssue (superseded)',
        'Device (model)',
        'Device (rules)',
        'Device (test model)',
        'Provenance (model)',
        'Provenance (rules)',
        'Provenance (verified by a clinician)',
      ]);
      expect(errors).toEqual([]);
    }, 180_000);
  },
);
