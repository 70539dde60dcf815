// The main job on embedded defaults: the whole pipeline as real processes on this machine.
//   sandbox EHR (FHIR R4, six synthetic patients) → fhir-adapter → Kafka aloe.patient-context.v1 →
//   guardrails (input rails, prompt, gRPC → inference on the generated TEST MODEL, output rails, audit
//   log in PGlite) → aloe.suggestions.v1 → fhir-adapter: CDS Hooks cards + write-back to the EHR.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { createKafka, createTypedProducer, ensureTopics, runConsumer, Topics } from '@aloe/shared/kafka';
import { createLogger } from '@aloe/shared/logging';
import { createProcessGroup, fhirBase, ports, root, services } from './stack.mjs';

const kafkaPort = ports.kafka;
const adapterPort = ports.adapter;
const guardrailsPort = ports.guardrails;
const step = (text) => console.log(`\n▶ ${text}`);
const { start: startService, stopAll } = createProcessGroup();

/** A CDS Hooks patient-view call, as the EHR would make it when the chart opens. */
const patientView = (patientId) =>
  fetch(`http://127.0.0.1:${adapterPort}/cds-services/aloe-patient-view`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      hook: 'patient-view',
      hookInstance: randomUUID(),
      context: { patientId, userId: 'Practitioner/demo' },
    }),
  });

step('Kafka: the local broker (Apache Kafka, KRaft, fetched from Maven Central)');
execFileSync('bash', [join(root, 'infra/kafka/kafka.sh'), 'start'], { stdio: 'inherit' });
const logger = createLogger({ service: 'demo', level: 'error' });
const kafka = createKafka({ brokers: [`127.0.0.1:${kafkaPort}`], clientId: 'aloe-demo' }, logger);
await ensureTopics(kafka, Object.values(Topics));
console.log(
  `  topics: ${Object.values(Topics)
    .map((topic) => `${topic.name} (+ .dlq)`)
    .join(', ')}`,
);

step('Sandbox EHR: FHIR R4 on Medplum, seeded with six synthetic patients');
await startService(services.ehr);

step('fhir-adapter: CDS Hooks, the analyze API and write-back (development mode: CDS calls unauthenticated)');
await startService(services.adapter);

step('Analyse every seed patient: the adapter reads each record and produces its context to Kafka');
const producer = createTypedProducer(kafka);
await producer.connect();
const contexts = new Map();
const consumer = await runConsumer({
  kafka,
  contract: Topics.patientContext,
  groupId: `aloe-demo-${randomUUID()}`,
  producer,
  logger,
  handle: async (value) => {
    contexts.set(value.contextId, value);
  },
});
await consumer.joined;
const seeds = ['aloe-poly', 'aloe-allergy', 'aloe-ckd', 'aloe-child', 'aloe-opioid-benzo', 'aloe-injection'];
const requested = [];
for (const patientId of seeds) {
  const response = await fetch(`http://127.0.0.1:${adapterPort}/api/v1/patients/${patientId}/analyze`, {
    method: 'POST',
  });
  requested.push({ patientId, ...(await response.json()) });
}
const deadline = Date.now() + 20_000;
while (requested.some((r) => !contexts.has(r.contextId)) && Date.now() < deadline)
  await new Promise((resolve) => setTimeout(resolve, 50));
for (const { patientId, contextId } of requested) {
  const context = contexts.get(contextId);
  if (!context) {
    console.error(`  ${patientId}: no context arrived`);
    continue;
  }
  const kinds = {};
  for (const item of context.items) kinds[item.kind] = (kinds[item.kind] ?? 0) + 1;
  console.log(
    `  ${patientId.padEnd(18)} → ${context.patient.pseudonym.slice(0, 12)}…  ${JSON.stringify(kinds)}`,
  );
}
await consumer.stop();

step(
  'CDS Hooks patient-view: the clinical rules answer at once; the AI shows one "reviewing" card until its set is ready',
);
const cds = await patientView('aloe-poly');
console.log(`  HTTP ${cds.status}`);
for (const card of (await cds.json()).cards)
  console.log(`  [${card.indicator}] ${card.summary}  (${card.source.label.slice(0, 40)})`);

step('CDS Hooks order-sign: a draft amoxicillin order for the patient with a penicillin allergy');
const sign = await fetch(`http://127.0.0.1:${adapterPort}/cds-services/aloe-order-sign`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({
    hook: 'order-sign',
    hookInstance: randomUUID(),
    context: {
      userId: 'Practitioner/demo',
      patientId: 'aloe-allergy',
      draftOrders: {
        resourceType: 'Bundle',
        type: 'collection',
        entry: [
          {
            resource: {
              resourceType: 'MedicationRequest',
              id: 'demo-draft-amoxicillin',
              status: 'draft',
              intent: 'order',
              subject: { reference: 'Patient/aloe-allergy' },
              medicationCodeableConcept: {
                coding: [
                  {
                    system: 'http://www.nlm.nih.gov/research/umls/rxnorm',
                    code: '308192',
                    display: 'Amoxicillin 500 MG Oral Tablet',
                  },
                ],
              },
            },
          },
        ],
      },
    },
  }),
});
for (const card of (await sign.json()).cards)
  console.log(
    `  [${card.indicator}] ${card.summary}; suggestions: ${(card.suggestions ?? []).map((s) => s.label).join('; ') || 'none'}`,
  );

// The sets this run publishes, by patient (the broker outlives a run: earlier runs' sets are skipped).
const suggestionSets = new Map();
const setReader = await runConsumer({
  kafka,
  contract: Topics.suggestions,
  groupId: `aloe-demo-sets-${randomUUID()}`,
  producer,
  logger,
  fromBeginning: false,
  handle: async (set) => {
    suggestionSets.set(set.patient.pseudonym, set);
  },
});
await setReader.joined;

step('Inference: Aloe over gRPC on node-llama-cpp (ALOE_MODEL unset → the generated TEST MODEL)');
await startService(services.inference);

step('Guardrails: rails, prompt, inference, audit log (PGlite in .data/audit-demo)');
const complianceToken = randomUUID();
await startService(services.guardrails(complianceToken));

step('Annotated suggestion sets of the six contexts (guardrails consumes them from Kafka)');
// By patient: an unchanged chart (a later run, the same chart opened twice) gets its earlier set again.
const pseudonymOf = (contextId) => contexts.get(contextId)?.patient.pseudonym;
const setsDeadline = Date.now() + 120_000;
while (requested.some((r) => !suggestionSets.has(pseudonymOf(r.contextId))) && Date.now() < setsDeadline) {
  await new Promise((resolve) => setTimeout(resolve, 100));
}
await setReader.stop();
for (const { patientId, contextId } of requested) {
  const set = suggestionSets.get(pseudonymOf(contextId));
  if (!set) {
    console.error(`  ${patientId}: no suggestion set yet`);
    continue;
  }
  const verdicts = set.suggestions.map((s) => s.verdict).join(', ');
  const findings = set.inputFindings.map((f) => f.ruleId).join(', ') || 'none';
  const rules =
    [...new Set(set.suggestions.flatMap((s) => s.reasons.map((r) => r.ruleId)))].join(', ') || 'none';
  console.log(
    `  ${patientId.padEnd(18)} ${set.suggestions.length} suggestion(s) [${verdicts}]; rules: ${rules}; input: ${findings}`,
  );
}

step('CDS Hooks patient-view again: answered from the cached suggestion set');
await new Promise((resolve) => setTimeout(resolve, 1_000)); // the adapter consumes the same sets
const cdsAgain = await patientView('aloe-poly');
for (const card of (await cdsAgain.json()).cards)
  console.log(`  [${card.indicator}] ${card.summary.slice(0, 60)}  (${card.source.label})`);

step(
  'Ten more openings of the unchanged aloe-poly chart: one analysis per chart state, nothing written twice',
);
const auth = { authorization: `Bearer ${complianceToken}` };
const polyPseudonym = pseudonymOf(requested.find((r) => r.patientId === 'aloe-poly')?.contextId);
const aloeCount = async (type, patientParam) =>
  (
    await (
      await fetch(
        `${fhirBase}/${type}?${patientParam}=Patient/aloe-poly&_tag=urn:aloe:suggestion-set|&_summary=count`,
      )
    ).json()
  ).total;
const decisionsOfPoly = async () =>
  (
    await (
      await fetch(
        `http://127.0.0.1:${guardrailsPort}/v1/audit/records?kind=decision&patient=${polyPseudonym}&limit=1000`,
        { headers: auth },
      )
    ).json()
  ).records.length;
await new Promise((resolve) => setTimeout(resolve, 3_000)); // the opening above is handled first
const before = {
  decisions: await decisionsOfPoly(),
  written: (await aloeCount('DetectedIssue', 'patient')) + (await aloeCount('Communication', 'subject')),
};
for (let opening = 0; opening < 10; opening++) await patientView('aloe-poly');
await new Promise((resolve) => setTimeout(resolve, 8_000)); // guardrails and the adapter consume them
const after = {
  decisions: await decisionsOfPoly(),
  written: (await aloeCount('DetectedIssue', 'patient')) + (await aloeCount('Communication', 'subject')),
};
console.log(
  `  10 openings: ${after.decisions - before.decisions} new analyses, ${after.written - before.written} new resources in the EHR (${after.decisions} analyses and ${after.written} Aloe resources for this patient in all)`,
);

step('Write-back: what the EHR holds now (AI-tagged, with Provenance)');
for (const type of ['DetectedIssue', 'Communication', 'Provenance', 'Device']) {
  const bundle = await (await fetch(`${fhirBase}/${type}?_summary=count`)).json();
  console.log(`  ${type.padEnd(14)} ${bundle.total}`);
}

step('Compliance: the audit log and its hash chain');
const records = await (
  await fetch(`http://127.0.0.1:${guardrailsPort}/v1/audit/records?kind=decision&limit=1000`, {
    headers: auth,
  })
).json();
await new Promise((resolve) => setTimeout(resolve, 1_000)); // guardrails consumes the adapter's access events
const access = await (
  await fetch(`http://127.0.0.1:${guardrailsPort}/v1/audit/records?kind=access&limit=1000`, { headers: auth })
).json();
const verified = await (
  await fetch(`http://127.0.0.1:${guardrailsPort}/v1/audit/verify`, { method: 'POST', headers: auth })
).json();
console.log(
  `  ${records.records.length} decision rows, ${access.records.length} EHR access rows; chain ${verified.ok ? `intact (${verified.rows} rows)` : `BROKEN at ${verified.firstBrokenSeq}`}`,
);
await producer.disconnect();

await stopAll();
console.log(
  '\nThe suggestions come from a random-weight TEST MODEL: they show the plumbing, not clinical advice.',
);
console.log('Serve a real Aloe GGUF with ALOE_MODEL=/path/to/model.gguf (or an hf: URI).');
console.log(`The broker keeps running on 127.0.0.1:${kafkaPort}; stop it with: npm run kafka:stop`);
