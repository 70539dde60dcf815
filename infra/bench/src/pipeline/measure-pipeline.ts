// The pipeline bench over the running stack: seed-patient copies analysed through the analyze API, each
// followed to its suggestion set on Kafka and its write-back to the EHR.
//   latency: one patient at a time (after a few unmeasured warm-up patients), so each patient's figures
//            are its own, not a queue's; overhead = request to write-back minus the set's model time.
//   throughput: a batch of patients asked for together; patients per minute from the first request to
//            the last write-back.
import { randomUUID } from 'node:crypto';
import { createKafka, createTypedProducer, runConsumer, topicsWithPrefix } from '@aloe/shared/kafka';
import { createLogger } from '@aloe/shared/logging';
import { type Distribution, distribution } from '@aloe/shared/stats';
import { waitFor } from '@aloe/shared/testing';
import type { Bundle } from '@medplum/fhirtypes';
import { type ClonedPatient, clonePatients } from './clone-patients.js';
import { type OverheadBreakdown, overheadOf, type PatientTimeline } from './overhead.js';
import type { Stack } from './stack.js';

/** What the adapter logs once it has handled a set, by outcome (flows/apply-suggestions.ts). */
const HANDLED = {
  'suggestions written back': 'written',
  'nothing to write back (all blocked, withheld or none)': 'nothing to write',
  'a newer analysis of the chart is already in the EHR; this set is not written': 'stale',
} as const;
type Outcome = (typeof HANDLED)[keyof typeof HANDLED];
const CONTEXT_PUBLISHED = 'patient context published';
const SUGGESTION_SET_TAG = 'urn:aloe:suggestion-set';

export interface PipelineOptions {
  /** Patients measured one at a time. */
  latencyPatients: number;
  /** Unmeasured patients first (JIT, the model's first prompts, the audit database's first rows). */
  warmupPatients: number;
  /** Patients asked for together for the throughput figure. */
  throughputPatients: number;
  /** The longest one patient may take from request to write-back. */
  patientTimeoutMs: number;
}

export interface PipelineFigures {
  definition: string;
  latency: {
    patients: number;
    warmupPatients: number;
    overheadMs: Distribution;
    endToEndMs: Distribution;
    modelMs: Distribution;
    stagesP50Ms: Omit<OverheadBreakdown, 'endToEnd' | 'model' | 'overhead'>;
    outcomes: Record<string, number>;
  };
  throughput: {
    patients: number;
    wallSeconds: number;
    patientsPerMinute: number;
    endToEndMs: Distribution;
    overheadMs: Distribution;
    outcomes: Record<string, number>;
  };
  /** Written sets whose resources the bench found in the EHR afterwards (must be all of them). */
  writeBackChecked: { sets: number; found: number };
}

export const OVERHEAD_DEFINITION =
  'Per patient: from the bench sending POST /api/v1/patients/:id/analyze to the fhir-adapter logging the set written back to the EHR ' +
  "(its FHIR transaction answered), minus the set's timingsMs.inference (guardrails' wall time around its gRPC Generate call: the model's " +
  'generation plus the gRPC round trip and the inference queue). Overhead therefore includes: the analyze call and the chart read from the ' +
  'EHR, producing the context to Kafka, guardrails consuming it, input rails, prompt and schema, parsing, output rails with the learned harm ' +
  'rail, the audit append (PGlite, hash chain), producing the set, the adapter consuming it, the card store, the EHR reads of earlier writes, ' +
  'validation and the write-back transaction.';

interface Observed {
  setOnTopicAt: number;
  setId: string;
  timingsMs: PatientTimeline['timingsMs'];
}

/** The adapter's log lines by context id, indexed as they come (the bench looks up each patient's events). */
function adapterEvents(lines: Array<Record<string, unknown>>) {
  const byContext = new Map<string, Array<Record<string, unknown>>>();
  let indexed = 0;
  return (contextId: string) => {
    for (; indexed < lines.length; indexed++) {
      const line = lines[indexed]!;
      if (typeof line.contextId !== 'string') continue;
      const list = byContext.get(line.contextId) ?? [];
      list.push(line);
      byContext.set(line.contextId, list);
    }
    return byContext.get(contextId) ?? [];
  };
}

export async function measurePipeline(stack: Stack, options: PipelineOptions): Promise<PipelineFigures> {
  const logger = createLogger({ service: 'pipeline-bench', level: 'warn' });
  const topics = topicsWithPrefix(stack.topicPrefix);
  const kafka = createKafka({ brokers: stack.brokers, clientId: 'aloe-pipeline-bench' }, logger);
  const producer = createTypedProducer(kafka);
  await producer.connect();
  const observed = new Map<string, Observed>();
  const setReader = await runConsumer({
    kafka,
    contract: topics.suggestions,
    groupId: `${stack.topicPrefix}bench-observer-${randomUUID()}`,
    producer,
    logger,
    maxWaitTimeMs: 100,
    handle: async (set) => {
      const setOnTopicAt = Date.now();
      const timings = set.timingsMs as Record<string, number | undefined>;
      if (timings.inference === undefined || timings.total === undefined)
        throw new Error(`set ${set.setId} has no inference or total timing: ${JSON.stringify(timings)}`);
      observed.set(set.contextId, {
        setOnTopicAt,
        setId: set.setId,
        timingsMs: { ...timings, inference: timings.inference, total: timings.total },
      });
    },
  });
  await setReader.joined;
  const eventsOf = adapterEvents(stack.logs.adapter);

  const total = options.warmupPatients + options.latencyPatients + options.throughputPatients;
  const patients = clonePatients(total, 'bench');
  await seed(stack.fhirBase, patients);

  /** Asks for one analysis; resolves with the request time, the answer time and the context id. */
  const analyze = async (patient: ClonedPatient) => {
    const requestedAt = Date.now();
    const response = await fetch(`${stack.adapterUrl}/api/v1/patients/${patient.id}/analyze`, {
      method: 'POST',
    });
    const acceptedAt = Date.now();
    if (response.status !== 202)
      throw new Error(
        `analyze ${patient.id}: HTTP ${response.status} ${(await response.text()).slice(0, 300)}`,
      );
    const { contextId } = (await response.json()) as { contextId: string };
    return { patient, contextId, requestedAt, acceptedAt };
  };
  /** Waits for a patient's set to be handled by the adapter; its timeline and outcome. */
  const followed = async (request: Awaited<ReturnType<typeof analyze>>) => {
    const handled = await waitFor(
      () => {
        const set = observed.get(request.contextId);
        const events = eventsOf(request.contextId);
        const end = events.find((line) => typeof line.msg === 'string' && line.msg in HANDLED);
        return set && end ? { set, end, events } : undefined;
      },
      {
        what: `patient ${request.patient.id}'s set handled by the adapter`,
        timeoutMs: options.patientTimeoutMs,
        intervalMs: 10,
      },
    );
    const published = handled.events.find((line) => line.msg === CONTEXT_PUBLISHED);
    if (!published)
      throw new Error(`the adapter did not log "${CONTEXT_PUBLISHED}" for ${request.patient.id}`);
    const timeline: PatientTimeline = {
      requestedAt: request.requestedAt,
      acceptedAt: request.acceptedAt,
      contextPublishedAt: Date.parse(String(published.time)),
      setOnTopicAt: handled.set.setOnTopicAt,
      writtenAt: Date.parse(String(handled.end.time)),
      timingsMs: handled.set.timingsMs,
    };
    return {
      setId: handled.set.setId,
      outcome: HANDLED[handled.end.msg as keyof typeof HANDLED] as Outcome,
      breakdown: overheadOf(timeline),
    };
  };

  try {
    const latencyRuns: Array<Awaited<ReturnType<typeof followed>>> = [];
    for (const [i, patient] of patients
      .slice(0, options.warmupPatients + options.latencyPatients)
      .entries()) {
      const run = await followed(await analyze(patient));
      if (i >= options.warmupPatients) latencyRuns.push(run);
    }

    // Throughput: every patient of the batch asked for at once (the adapter reads their charts as the
    // calls come), then each followed to its write-back.
    const batch = patients.slice(options.warmupPatients + options.latencyPatients);
    const startedAt = Date.now();
    const requests = await Promise.all(batch.map(analyze));
    const throughputRuns = await Promise.all(requests.map(followed));
    const lastWrittenAt = Math.max(
      ...requests.map((r, i) => r.requestedAt + throughputRuns[i]!.breakdown.endToEnd),
    );
    const wallSeconds = (lastWrittenAt - startedAt) / 1000;

    const writeBackChecked = await checkWriteBack(
      stack.fhirBase,
      [...latencyRuns, ...throughputRuns].filter((run) => run.outcome === 'written').map((run) => run.setId),
    );
    if (writeBackChecked.found !== writeBackChecked.sets)
      throw new Error(
        `only ${writeBackChecked.found} of ${writeBackChecked.sets} sets the adapter logged as written are in the EHR`,
      );
    const pick = (runs: typeof latencyRuns, key: keyof OverheadBreakdown) =>
      distribution(runs.map((run) => run.breakdown[key]));
    const p50 = (key: keyof OverheadBreakdown) => pick(latencyRuns, key).p50;
    return {
      definition: OVERHEAD_DEFINITION,
      latency: {
        patients: latencyRuns.length,
        warmupPatients: options.warmupPatients,
        overheadMs: pick(latencyRuns, 'overhead'),
        endToEndMs: pick(latencyRuns, 'endToEnd'),
        modelMs: pick(latencyRuns, 'model'),
        stagesP50Ms: {
          capture: p50('capture'),
          guardrailsWork: p50('guardrailsWork'),
          transportAndAudit: p50('transportAndAudit'),
          writeBack: p50('writeBack'),
        },
        outcomes: countOutcomes(latencyRuns),
      },
      throughput: {
        patients: throughputRuns.length,
        wallSeconds,
        patientsPerMinute: (throughputRuns.length / wallSeconds) * 60,
        endToEndMs: pick(throughputRuns, 'endToEnd'),
        overheadMs: pick(throughputRuns, 'overhead'),
        outcomes: countOutcomes(throughputRuns),
      },
      writeBackChecked,
    };
  } finally {
    await setReader.stop();
    await producer.disconnect();
  }
}

const countOutcomes = (runs: Array<{ outcome: Outcome }>) =>
  runs.reduce<Record<string, number>>((counts, run) => {
    counts[run.outcome] = (counts[run.outcome] ?? 0) + 1;
    return counts;
  }, {});

/** Loads the copies into the EHR over its FHIR API, one transaction each, a few at a time. */
async function seed(fhirBase: string, patients: ClonedPatient[]) {
  const queue = [...patients];
  const load = async () => {
    for (let patient = queue.shift(); patient; patient = queue.shift()) {
      const response = await fetch(fhirBase, {
        method: 'POST',
        headers: { 'content-type': 'application/fhir+json' },
        body: JSON.stringify(patient.bundle),
      });
      if (response.status !== 200)
        throw new Error(
          `seeding ${patient.id}: HTTP ${response.status} ${(await response.text()).slice(0, 300)}`,
        );
    }
  };
  await Promise.all(Array.from({ length: 4 }, load));
}

/** How many of the sets have their DetectedIssue or Communication resources in the EHR (by the set's tag). */
async function checkWriteBack(fhirBase: string, setIds: string[]) {
  let found = 0;
  for (const setId of setIds) {
    const tag = encodeURIComponent(`${SUGGESTION_SET_TAG}|${setId}`);
    let resources = 0;
    for (const type of ['DetectedIssue', 'Communication']) {
      const response = await fetch(`${fhirBase}/${type}?_tag=${tag}&_summary=count`);
      resources += ((await response.json()) as Bundle).total ?? 0;
    }
    if (resources > 0) found++;
  }
  return { sets: setIds.length, found };
}
