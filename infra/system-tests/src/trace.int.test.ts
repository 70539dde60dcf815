// One trace per patient context (issue #14, item 5), over the running processes: the sandbox EHR, the
// fhir-adapter, guardrails (PGlite audit log) and inference (test model) export their spans over
// OTLP/HTTP (JSON) to a receiver in this test. An analyze call carrying an EHR's `traceparent` must come
// back as ONE trace under that parent: trigger → EHR read → Kafka → guardrails (rails, inference client →
// inference server, audit append) → Kafka → the adapter's write-back, each service under its own name,
// and no span carrying PHI.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SEED_PATIENTS } from '@aloe/sandbox-ehr';
import { type ReceivedSpan, startOtlpReceiver, uniqueName, waitFor } from '@aloe/shared/testing';
import { afterAll, describe, expect, it } from '@jest/globals';
import type { Patient } from '@medplum/fhirtypes';
import { brokerPort } from './harness/broker.js';
import { freePort, repoRoot, type Service } from './harness/service.js';
import {
  fhirAdapterService,
  guardrailsService,
  inferencePorts,
  inferenceService,
  sandboxEhrService,
} from './harness/stack.js';

const services: Service[] = [];
const cleanUps: Array<() => Promise<void>> = [];
afterAll(async () => {
  // The spans were received before: nothing is lost by not waiting for a graceful shutdown.
  await Promise.all(services.map((service) => service.crash().catch(() => undefined)));
  for (const service of services) await service.saveLog(join(repoRoot, '.test-output/trace'));
  for (const cleanUp of cleanUps.reverse()) await cleanUp().catch(() => undefined);
});

const INFERENCE_SERVICE_NAME = 'aloe-inference-under-test';
const SPAN_KIND = { internal: 1, server: 2, client: 3, producer: 4, consumer: 5 } as const;

describe('one trace per patient context', () => {
  it('follows an analyze call from the EHR through Kafka and gRPC to the write-back, in one trace', async () => {
    const receiver = await startOtlpReceiver();
    cleanUps.push(() => receiver.close());
    const otel = {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '200',
    };
    const runId = uniqueName('trace');
    const kafkaEnv = { KAFKA_BROKERS: `127.0.0.1:${brokerPort}`, KAFKA_TOPIC_PREFIX: `${runId}.` };
    const auditDir = await mkdtemp(join(tmpdir(), 'aloe-trace-audit-'));
    cleanUps.push(() => rm(auditDir, { recursive: true, force: true }));

    // --- the stack (the EHR is not ours: it exports nothing) -----------------------------------------
    const ehr = sandboxEhrService();
    services.push(ehr);
    const fhirBase = String((await ehr.start()).fhirBase);

    const inference = inferenceService({ ...otel, OTEL_SERVICE_NAME: INFERENCE_SERVICE_NAME });
    services.push(inference);
    await inference.start();

    const guardrails = guardrailsService('guardrails', {
      runId,
      inferenceGrpcPort: inferencePorts(inference).grpcPort,
      auditDatabaseUrl: `pglite:${auditDir}`,
      env: { ...otel, ...kafkaEnv, GUARDRAILS_COMPLIANCE_TOKENS: randomUUID() },
    });
    services.push(guardrails);
    await guardrails.start();

    const apiToken = randomUUID();
    const adapterPort = await freePort();
    const adapter = fhirAdapterService({
      runId,
      httpPort: adapterPort,
      fhirBase,
      apiToken,
      env: { ...otel, ...kafkaEnv },
    });
    services.push(adapter);
    await adapter.start();

    // --- the EHR's call, with its own trace ------------------------------------------------------------
    const traceId = randomBytes(16).toString('hex');
    const ehrSpanId = randomBytes(8).toString('hex');
    const seed = SEED_PATIENTS[0]!;
    const response = await fetch(`http://127.0.0.1:${adapterPort}/api/v1/patients/${seed.id}/analyze`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${apiToken}`,
        traceparent: `00-${traceId}-${ehrSpanId}-01`,
        tracestate: 'ehr=trace-test',
      },
    });
    expect(response.status).toBe(202);
    const { contextId } = (await response.json()) as { contextId: string };

    const writeBack = await waitFor(
      () =>
        receiver.spans.find(
          (span) => span.name === 'write-back' && span.attributes['aloe.context.id'] === contextId,
        ),
      { what: 'the write-back span of the context', timeoutMs: 120_000, intervalMs: 200 },
    );
    // The adapter ends its consume span just after the write-back: give the last batch time to arrive.
    const topic = (name: string) => `${runId}.aloe.${name}.v1`;
    await waitFor(
      () =>
        receiver.spans.some(
          (span) => span.name === `process ${topic('suggestions')}` && span.traceId === traceId,
        ),
      { what: "the adapter's consume span", timeoutMs: 10_000 },
    );

    // --- one trace ---------------------------------------------------------------------------------
    const ofContext = receiver.spans.filter(
      (span) =>
        span.attributes['aloe.context.id'] === contextId ||
        span.attributes['messaging.message.conversation_id'] === contextId,
    );
    expect(ofContext.length).toBeGreaterThanOrEqual(6);
    expect(new Set(ofContext.map((span) => span.traceId))).toEqual(new Set([traceId]));
    const trace = receiver.spans.filter((span) => span.traceId === traceId);
    printTree(trace, ehrSpanId);

    const one = (name: string, service: string, kind?: number) => {
      const found = trace.filter(
        (span) =>
          span.name === name && span.service === service && (kind === undefined || span.kind === kind),
      );
      if (found.length !== 1)
        throw new Error(`expected one "${name}" span of ${service}, found ${found.length}`);
      return found[0]!;
    };
    const expectChild = (child: ReceivedSpan, parent: ReceivedSpan) =>
      expect(`${child.name} ← ${child.parentSpanId}`).toBe(`${child.name} ← ${parent.spanId}`);

    const trigger = one('POST /api/v1/patients/:id/analyze', 'fhir-adapter', SPAN_KIND.server);
    expect(trigger.parentSpanId).toBe(ehrSpanId); // the EHR's traceparent honoured, not replaced
    expect(trigger.attributes).toMatchObject({ 'aloe.trigger': 'api', 'aloe.context.id': contextId });
    const ehrRead = one('ehr.read patient-record', 'fhir-adapter');
    expectChild(ehrRead, trigger);
    const sendContext = one(`send ${topic('patient-context')}`, 'fhir-adapter', SPAN_KIND.producer);
    expectChild(sendContext, trigger);
    expect(ehrRead.endMs).toBeLessThanOrEqual(sendContext.startMs);

    const consumeContext = one(`process ${topic('patient-context')}`, 'guardrails', SPAN_KIND.consumer);
    expectChild(consumeContext, sendContext);
    const review = one('review context', 'guardrails');
    expectChild(review, consumeContext);
    // The patient by pseudonym, the same in both services.
    expect(review.attributes['aloe.patient.pseudonym']).toBe(ehrRead.attributes['aloe.patient.pseudonym']);
    expect(String(review.attributes['aloe.patient.pseudonym'])).toMatch(/^[\w-]{20,}$/);
    const inputRails = one('rails.input', 'guardrails');
    const client = one('aloe.inference.v1.Inference/Generate', 'guardrails', SPAN_KIND.client);
    const server = one('aloe.inference.v1.Inference/Generate', INFERENCE_SERVICE_NAME, SPAN_KIND.server);
    const outputRails = one('rails.output', 'guardrails');
    const auditAppend = one('audit.append', 'guardrails');
    const sendSet = one(`send ${topic('suggestions')}`, 'guardrails', SPAN_KIND.producer);
    for (const step of [inputRails, client, outputRails, auditAppend, sendSet]) expectChild(step, review);
    expectChild(server, client);
    expect(server.attributes['aloe.inference.request.id']).toBe(contextId);
    // In the order of the flow.
    const order = [inputRails, client, outputRails, auditAppend, sendSet];
    for (let i = 1; i < order.length; i++)
      expect(order[i]!.startMs).toBeGreaterThanOrEqual(order[i - 1]!.endMs);
    expect(server.startMs).toBeGreaterThanOrEqual(client.startMs);

    const consumeSet = one(`process ${topic('suggestions')}`, 'fhir-adapter', SPAN_KIND.consumer);
    expectChild(consumeSet, sendSet);
    expectChild(writeBack, consumeSet);
    expect(writeBack.traceId).toBe(traceId);

    // Each service under its own service.name; the EHR (not ours) under none.
    expect(new Set(trace.map((span) => span.service))).toEqual(
      new Set(['fhir-adapter', 'guardrails', INFERENCE_SERVICE_NAME]),
    );

    // No PHI: not the EHR's patient id, not the patient's name, not the chart's text.
    const patient = seed.bundle.entry?.find((entry) => entry.resource?.resourceType === 'Patient')
      ?.resource as Patient;
    const exported = JSON.stringify(trace);
    for (const phi of [seed.id, patient.name?.[0]?.family, patient.name?.[0]?.given?.[0]])
      if (phi) expect(exported).not.toContain(phi);
  }, 240_000);
});

/** The trace as a tree (name [service] kind), printed for the reader of the test output. */
function printTree(spans: ReceivedSpan[], rootParent: string): void {
  const lines: string[] = [];
  const walk = (parent: string, depth: number) => {
    for (const span of spans
      .filter((candidate) => candidate.parentSpanId === parent)
      .sort((a, b) => a.startMs - b.startMs)) {
      lines.push(`${'  '.repeat(depth)}${span.name} [${span.service}] ${span.endMs - span.startMs} ms`);
      walk(span.spanId, depth + 1);
    }
  };
  walk(rootParent, 0);
  console.log(`trace ${spans[0]?.traceId}:\n${lines.join('\n')}`);
}
