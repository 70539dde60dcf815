// The chaos run (issue #14): patient contexts through the running processes — the sandbox EHR, one
// fhir-adapter, two guardrails in one consumer group, inference on the test model, the project's Kafka
// broker, PostgreSQL for the audit log — while the test crashes a guardrails and the adapter (SIGKILL),
// restarts the broker and injects poison messages. Afterwards each patient must have exactly one audit
// decision and at most one suggestion set in the EHR (the one its decision says is to be written), the
// audit chain must verify, and the dead-letter topics must hold exactly the poison. The figures are
// printed and written to chaos-results.json; every service's log goes to .test-output/chaos/.
//
// ALOE_CHAOS_CONTEXTS sets the number of patients: 200 by default, the full run, which takes
// about 10 minutes on a 2-core machine (the test model takes 1.5-3 s per context there, and each crash
// costs a rebalance after the services' 10 s session timeout, ALOE_CHAOS_SESSION_TIMEOUT_MS); 60 gives
// the same faults in under 3 minutes while working on the stack. ALOE_CHAOS_FAULTS (default
// poison,guardrails,adapter,broker; `none` for a clean run) picks the faults, ALOE_CHAOS_BROKER_DOWN_S
// (default 30) how long the broker stays stopped; ALOE_CHAOS_FLOW_TIMEOUT_S bounds a run on a busy machine.
import { randomUUID } from 'node:crypto';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { createKafka, createTypedProducer, topicsWithPrefix } from '@aloe/shared/kafka';
import { createLogger } from '@aloe/shared/logging';
import { uniqueName } from '@aloe/shared/testing';
import { afterAll, describe, expect, it } from '@jest/globals';
import { auditApi, type DecisionRecord } from './harness/audit-api.js';
import { broker, brokerNotRestartable, brokerPort } from './harness/broker.js';
import { readDeadLetters } from './harness/dead-letters.js';
import {
  type AnalyzeOutcome,
  auditedInEhr,
  requestAnalysis,
  seedPatients,
  writtenSuggestions,
} from './harness/ehr.js';
import { type Figures, figuresTable, writeFigures } from './harness/figures.js';
import {
  busySequences,
  generateCallsByStatus,
  longestPause,
  moreThanOnce,
  timesLogged,
} from './harness/log-figures.js';
import {
  DEAD_LETTER_REASON,
  POISON_HEADER,
  type Poison,
  patientContextPoison,
  suggestionsPoison,
} from './harness/poison.js';
import { createAuditDatabase, postgresUnavailable } from './harness/postgres.js';
import { freePort, type LogLine, repoRoot, type Service } from './harness/service.js';
import {
  fhirAdapterService,
  guardrailsService,
  inferencePorts,
  inferenceService,
  sandboxEhrService,
} from './harness/stack.js';
import { syntheticPatients } from './harness/synthetic-patients.js';
import { pause, until } from './harness/until.js';

const CONTEXTS = Number(process.env.ALOE_CHAOS_CONTEXTS ?? 200);
const FAULTS = new Set(
  (process.env.ALOE_CHAOS_FAULTS ?? 'poison,guardrails,adapter,broker')
    .split(',')
    .map((fault) => fault.trim())
    .filter((fault) => fault && fault !== 'none'),
);
/** Contexts asked for but not yet handled by a guardrails: enough that every partition has work. */
const IN_FLIGHT = 12;
/** The last patients are asked for only after the last fault, so each fault is followed by work. */
const HELD_BACK_SHARE = 0.15;
/**
 * How long the broker stays down: a real broker restart takes tens of seconds, and this outlasts
 * KafkaJS's own retries of a send (8 retries from 100 ms, about 25 s), so the services' handling of a
 * failed produce is exercised, not only KafkaJS's reconnects.
 */
const BROKER_DOWN_MS = Number(process.env.ALOE_CHAOS_BROKER_DOWN_S ?? 30) * 1_000;
/**
 * From the first context to the last write-back, faults included: generous (the test model takes about
 * a second per context on an idle 2-core machine); ALOE_CHAOS_FLOW_TIMEOUT_S on a busy one.
 */
const FLOW_TIMEOUT_MS = Number(process.env.ALOE_CHAOS_FLOW_TIMEOUT_S ?? 120 + CONTEXTS * 4) * 1_000;
const RESULTS_FILE = join(repoRoot, 'infra/system-tests/chaos-results.json');
const LOG_DIR = join(repoRoot, '.test-output/chaos');

/** What a guardrails logs for each context it handled, by how it handled it. */
const REVIEWED = 'context reviewed';
const REPUBLISHED = 'context already decided; republished its audited set';
const UNCHANGED = 'chart unchanged since its last analysis; its set stands (not analysed or logged again)';
const HANDLED = new Set([REVIEWED, REPUBLISHED, UNCHANGED]);
/** What the fhir-adapter logs for each suggestion set it consumed. */
const SET_HANDLED = new Set([
  'suggestions written back',
  'nothing to write back (all blocked, withheld or none)',
  'a newer analysis of the chart is already in the EHR; this set is not written',
]);
const PUBLISHED = 'patient context published';

const seconds = (ms: number) => Math.round(ms / 100) / 10;
const timeOf = (line: Record<string, unknown>) => Date.parse(String(line.time));
const isHandled = (line: LogLine) => HANDLED.has(String(line.msg));

const skip = brokerNotRestartable() ?? (await postgresUnavailable());
if (skip) console.warn(`chaos run skipped: ${skip}`);

const services: Service[] = [];
const cleanUps: Array<() => Promise<void>> = [];
const over = new AbortController();
afterAll(async () => {
  over.abort();
  for (const service of services) service.kill();
  for (const service of services) await service.saveLog(LOG_DIR);
  for (const cleanUp of cleanUps.reverse()) await cleanUp().catch(() => undefined);
});

describe('the chaos run', () => {
  (skip ? it.skip : it)(
    `${CONTEXTS} patient contexts through the running services, with ${[...FAULTS].join(', ') || 'no faults'}`,
    async () => {
      const signal = over.signal;
      const startedAt = Date.now();
      const [loadAtStart = 0] = loadavg();
      const runId = uniqueName('chaos');
      const topics = topicsWithPrefix(`${runId}.`);
      const kafkaEnv = {
        KAFKA_BROKERS: `127.0.0.1:${brokerPort}`,
        KAFKA_TOPIC_PREFIX: `${runId}.`,
        // An operator's setting for quick fail-over: the group replaces a killed member after 10 s
        // instead of the default 30 s (each SIGKILL stalls its partitions that long).
        KAFKA_SESSION_TIMEOUT_MS: process.env.ALOE_CHAOS_SESSION_TIMEOUT_MS ?? '10000',
        KAFKA_HEARTBEAT_INTERVAL_MS: '3000',
      };
      const complianceToken = randomUUID();
      const apiToken = randomUUID();

      // --- the stack: an EHR with the patients, inference, two guardrails, the adapter -------------
      const ehr = sandboxEhrService();
      services.push(ehr);
      const fhirBase = String((await ehr.start()).fhirBase);
      const patients = syntheticPatients(CONTEXTS);
      await seedPatients(fhirBase, patients);
      const seededAt = Date.now();

      const database = await createAuditDatabase();
      cleanUps.push(database.drop);

      const inference = inferenceService();
      services.push(inference);
      await inference.start();
      const { grpcPort, metricsPort } = inferencePorts(inference);
      const inferenceMetrics = `http://127.0.0.1:${metricsPort}/metrics`;

      const guardrailsNamed = (name: string) =>
        guardrailsService(name, {
          runId,
          inferenceGrpcPort: grpcPort,
          auditDatabaseUrl: database.url,
          env: {
            ...kafkaEnv,
            GUARDRAILS_COMPLIANCE_TOKENS: complianceToken,
            ...(process.env.ALOE_CHAOS_STRATEGIES && {
              GUARDRAILS_STRATEGIES: process.env.ALOE_CHAOS_STRATEGIES,
            }),
          },
        });
      const crashing = guardrailsNamed('guardrails-a');
      const steady = guardrailsNamed('guardrails-b');
      const guardrails = [crashing, steady];
      services.push(...guardrails);
      for (const instance of guardrails) await instance.start();

      const adapterPort = await freePort(); // kept across its restart, as an EHR calls one address
      const adapterUrl = `http://127.0.0.1:${adapterPort}`;
      const adapter = fhirAdapterService({ runId, httpPort: adapterPort, fhirBase, apiToken, env: kafkaEnv });
      services.push(adapter);
      await adapter.start();
      // The latest run of a guardrails owns partitions of the context topic.
      const ownsContextPartitions = (service: Service) => {
        const latestRun = service.lines().at(-1)?.run;
        return service
          .lines()
          .some(
            (line) =>
              line.run === latestRun &&
              line.msg === 'joined group' &&
              line.topic === topics.patientContext.name &&
              Array.isArray(line.partitions) &&
              line.partitions.length > 0,
          );
      };
      await until(signal, () => guardrails.every(ownsContextPartitions), {
        what: 'both guardrails to own partitions',
        timeoutMs: 60_000,
      });
      const stackUpAt = Date.now();

      // --- the contexts, paced as an EHR would send them ---------------------------------------------
      const pseudonymOfContext = () =>
        new Map(
          adapter
            .lines()
            .filter((line) => line.msg === PUBLISHED)
            .map((line) => [String(line.contextId), String(line.patientPseudonym)]),
        );
      const ourPseudonyms = new Set<string>();
      const handledLines = () => guardrails.flatMap((instance) => instance.lines().filter(isHandled));
      const handledPatients = () =>
        new Set(
          handledLines()
            .map((line) => String(line.patientPseudonym))
            .filter((pseudonym) => ourPseudonyms.has(pseudonym)),
        ).size;
      const accepted: AnalyzeOutcome[] = [];
      const flowDeadline = Date.now() + FLOW_TIMEOUT_MS;
      const queue = [...patients];
      const heldBack = Math.ceil(CONTEXTS * HELD_BACK_SHARE);
      let faultsOver = false;
      const sender = async () => {
        for (let patient = queue.shift(); patient; patient = queue.shift()) {
          while (accepted.length - handledPatients() >= IN_FLIGHT || (queue.length < heldBack && !faultsOver))
            await pause(signal, 100);
          const outcome = await requestAnalysis(adapterUrl, apiToken, patient.id, {
            deadline: flowDeadline,
            signal,
          });
          accepted.push(outcome);
          // 202 comes after the context is produced and logged (the line may reach us a moment later).
          const pseudonym = await until(signal, () => pseudonymOfContext().get(outcome.contextId), {
            what: `the log line of ${patient.id}'s context`,
            timeoutMs: 10_000,
          });
          ourPseudonyms.add(pseudonym);
        }
      };
      const firstContextAt = Date.now();
      const sending = Promise.all([sender(), sender()]);

      // --- the faults, one after another while the contexts flow -------------------------------------
      const faultFigures: Figures = {};
      const progress = () => handledPatients() / CONTEXTS;
      const progressPercent = () => Math.round(progress() * 100);
      const afterProgress = (share: number) =>
        until(signal, () => progress() >= share, {
          what: `${share * 100}% of the contexts handled`,
          timeoutMs: FLOW_TIMEOUT_MS,
        });
      const handledAfter = (since: number) => handledLines().find((line) => timeOf(line) > since);
      const firstLine = (service: Service, what: (line: LogLine) => boolean, description: string) =>
        until(signal, () => service.lines().find(what), { what: description, timeoutMs: 120_000 });
      const poison: Poison[] = [];
      const kafka = createKafka(
        { brokers: [kafkaEnv.KAFKA_BROKERS], clientId: `${runId}-test` },
        createLogger({ service: 'chaos-test', level: 'error' }),
      );
      const producer = createTypedProducer(kafka);
      await producer.connect();
      cleanUps.push(() => producer.disconnect());

      const injectPoison = async () => {
        await afterProgress(0.1);
        const decided = handledLines().find((line) => line.msg === REVIEWED)!;
        const other = accepted.find(
          (outcome) => pseudonymOfContext().get(outcome.contextId) !== decided.patientPseudonym,
        )!;
        poison.push(
          ...patientContextPoison(topics, {
            reusedContextId: String(decided.contextId),
            otherPatient: {
              ref: `Patient/${other.patientId}`,
              pseudonym: pseudonymOfContext().get(other.contextId)!,
            },
            fhirBase,
            now: new Date(),
          }),
          suggestionsPoison(topics),
        );
        for (const message of poison) await producer.sendRaw(message.topic, [message.message]);
        faultFigures.poison = { injected: poison.length, atProgressPercent: progressPercent() };
      };

      const crashGuardrails = async () => {
        await afterProgress(0.2);
        // Just after it finished a context it takes the next one from its backlog: it holds work.
        // Each guardrails has one context in hand at a time: with two sequences generating, guardrails-a
        // is waiting for the model's answer to one (it dies holding it, uncommitted).
        const whileInferring = await until(signal, async () => (await busySequences(inferenceMetrics)) >= 2, {
          what: 'both guardrails to be waiting for the model',
          timeoutMs: 60_000,
          intervalMs: 100,
        }).catch(() => false);
        const atProgressPercent = progressPercent();
        const backlog = accepted.length - handledPatients();
        const killedAt = Date.now();
        await crashing.crash();
        const restart = crashing.start();
        await restart;
        const readyAt = Date.now();
        const ownWork = await firstLine(
          crashing,
          (line) => line.run === 2 && isHandled(line),
          'the restarted guardrails-a to handle a context',
        );
        faultFigures['guardrails-a SIGKILL'] = {
          atProgressPercent,
          killedWhileInferring: whileInferring,
          contextsWaiting: backlog,
          // Neither guardrails handles a context while the group waits out the dead member's session.
          longestPauseSeconds: seconds(
            longestPause(handledLines().map(timeOf), killedAt, timeOf(ownWork) + 1),
          ),
          restartReadySeconds: seconds(readyAt - killedAt),
          restartedInstanceWorkingSeconds: seconds(timeOf(ownWork) - killedAt),
        };
      };

      const crashAdapter = async () => {
        await afterProgress(0.45);
        const atProgressPercent = progressPercent();
        const killedAt = Date.now();
        await adapter.crash();
        const restart = adapter.start();
        const acceptedAgain = await firstLine(
          adapter,
          (line) => line.run === 2 && line.msg === PUBLISHED,
          'the restarted adapter to accept a context',
        );
        await restart;
        const readyAt = Date.now();
        const writingAgain = await firstLine(
          adapter,
          (line) => line.run === 2 && line.msg === 'suggestions written back',
          'the restarted adapter to write back',
        );
        faultFigures['fhir-adapter SIGKILL'] = {
          atProgressPercent,
          firstContextAcceptedSeconds: seconds(timeOf(acceptedAgain) - killedAt),
          restartReadySeconds: seconds(readyAt - killedAt),
          firstWriteBackSeconds: seconds(timeOf(writingAgain) - killedAt),
        };
      };

      const restartBroker = async () => {
        await afterProgress(0.65);
        const atProgressPercent = progressPercent();
        const stoppingAt = Date.now();
        await broker('stop');
        const stoppedAt = Date.now();
        await pause(signal, BROKER_DOWN_MS);
        const startingAt = Date.now();
        await broker('start');
        const upAt = Date.now();
        const resumed = await until(signal, () => handledAfter(upAt), {
          what: 'contexts handled after the broker restart',
          timeoutMs: 120_000,
        });
        const writing = await firstLine(
          adapter,
          (line) => line.msg === 'suggestions written back' && timeOf(line) > upAt,
          'write-back after the broker restart',
        );
        faultFigures['broker restart'] = {
          atProgressPercent,
          stopSeconds: seconds(stoppedAt - stoppingAt),
          downSeconds: seconds(upAt - stoppedAt),
          startSeconds: seconds(upAt - startingAt),
          firstContextHandledSeconds: seconds(timeOf(resumed) - stoppingAt),
          firstWriteBackSeconds: seconds(timeOf(writing) - stoppingAt),
        };
      };

      const faults = (async () => {
        if (FAULTS.has('poison')) await injectPoison();
        if (FAULTS.has('guardrails')) await crashGuardrails();
        if (FAULTS.has('adapter')) await crashAdapter();
        if (FAULTS.has('broker')) await restartBroker();
      })().finally(() => {
        faultsOver = true;
      });
      await Promise.all([sending, faults]);
      const allAcceptedAt = Date.now();

      // --- until every patient is decided and its set written ---------------------------------------
      const audit = auditApi(`http://127.0.0.1:${steady.ready.port}`, complianceToken);
      const patientOf = (record: DecisionRecord) =>
        record.payload.suggestionSet.patient.ref.replace(/^Patient\//, '');
      // What the write-back must put in the chart: the non-blocked suggestions, unless withheld.
      const toWrite = (record: DecisionRecord) =>
        record.payload.suggestionSet.writeBack?.allowed !== false &&
        record.payload.suggestionSet.suggestions.some((suggestion) => suggestion.verdict !== 'block');
      // Waits that time out do not fail here: the checks below then say which patient lacks what.
      const decided = await until(
        signal,
        async () => {
          const all = await audit.decisions();
          return new Set(all.map(patientOf)).size >= CONTEXTS ? all : undefined;
        },
        {
          what: `a decision for each of the ${CONTEXTS} patients`,
          timeoutMs: Math.max(30_000, flowDeadline - Date.now()),
          intervalMs: 1_000,
        },
      ).catch(() => undefined);
      const decisions = decided ?? (await audit.decisions());
      const allDecidedAt = Date.now();
      const expectedSet = new Map(
        decisions.filter(toWrite).map((record) => [patientOf(record), record.payload.suggestionSet.setId]),
      );
      await until(
        signal,
        async () => {
          const written = new Set(
            (await writtenSuggestions(fhirBase)).map((resource) => resource.patientRef),
          );
          return [...expectedSet.keys()].every((patientId) => written.has(`Patient/${patientId}`));
        },
        { what: 'every set to write in the EHR', timeoutMs: 60_000, intervalMs: 1_000 },
      ).catch(() => undefined);
      const allWrittenAt = Date.now();
      await pause(signal, 3_000); // late duplicates (a redelivered set, a second context) would land now

      // --- what the run left: audit rows, EHR resources, dead letters, logs -----------------------
      const finalDecisions = await audit.decisions();
      const decisionsByPatient = new Map<string, DecisionRecord[]>();
      for (const record of finalDecisions)
        decisionsByPatient.set(patientOf(record), [
          ...(decisionsByPatient.get(patientOf(record)) ?? []),
          record,
        ]);
      const written = await writtenSuggestions(fhirBase);
      const setsByPatient = new Map<string, Set<string>>();
      for (const resource of written)
        setsByPatient.set(
          resource.patientRef,
          (setsByPatient.get(resource.patientRef) ?? new Set()).add(resource.setId),
        );
      const verdict = await audit.verify();
      // Every write and every decision reaches the EHR as a FHIR AuditEvent (batched, so give it a moment).
      const unaudited = async () => {
        const audited = await auditedInEhr(fhirBase);
        return {
          writes: written
            .map((resource) => `${resource.resourceType}/${resource.id}`)
            .filter((ref) => !audited.writes.has(ref)),
          decisions: finalDecisions
            .map((record) => record.payload.suggestionSet.setId)
            .filter((setId) => !audited.decisions.has(setId)),
        };
      };
      const missingAuditEvents = await until(
        signal,
        async () => {
          const missing = await unaudited();
          return missing.writes.length + missing.decisions.length === 0 ? missing : undefined;
        },
        { what: 'an AuditEvent for every write and decision', timeoutMs: 20_000, intervalMs: 1_000 },
      ).catch(unaudited);
      const deadLetterTopics = Object.values(topics).map((topic) => topic.deadLetter);
      const deadLetters = (
        await Promise.all(deadLetterTopics.map((topic) => readDeadLetters(kafka, topic)))
      ).flat();
      const workOf = (service: Service, run?: number) => ({
        reviewed: service.count(REVIEWED, run),
        republished: service.count(REPUBLISHED, run),
        unchanged: service.count(UNCHANGED, run),
      });

      // --- the figures, before the verdict (a failed run's figures say the most) -------------------
      const inferenceMs = inference
        .lines()
        .filter((line) => line.msg === 'generated')
        .map((line) => Number(line.totalMs))
        .sort((a, b) => a - b);
      const generateCalls = await generateCallsByStatus(inferenceMetrics);
      const restartedWork = Object.fromEntries(
        Object.entries(workOf(crashing, 2)).map(([name, count]) => [`${name}AfterRestart`, count]),
      );
      const deadLettersIn = (topic: string) => deadLetters.filter((letter) => letter.topic === topic).length;
      const figures: Figures = {
        machine: {
          measuredAt: new Date().toISOString(),
          cores: availableParallelism(),
          loadAverageAtStart: Math.round(loadAtStart * 100) / 100,
          node: process.version,
        },
        run: {
          contexts: CONTEXTS,
          faults: [...FAULTS].join(',') || 'none',
          testSeconds: seconds(Date.now() - startedAt),
          stackStartSeconds: seconds(stackUpAt - seededAt),
          allAcceptedSeconds: seconds(allAcceptedAt - firstContextAt),
          allDecidedSeconds: seconds(allDecidedAt - firstContextAt),
          allWrittenSeconds: seconds(allWrittenAt - firstContextAt),
          contextsPerMinute: Math.round((CONTEXTS / ((allDecidedAt - firstContextAt) / 60_000)) * 10) / 10,
          inferenceMedianMs: inferenceMs[Math.floor(inferenceMs.length / 2)] ?? 0,
          inferenceP95Ms: inferenceMs[Math.floor(inferenceMs.length * 0.95)] ?? 0,
        },
        'guardrails-a (crashed)': {
          ...workOf(crashing, 1),
          ...(crashing.count('starting', 2) ? restartedWork : {}),
        },
        'guardrails-b': workOf(steady),
        redelivery: {
          analyzeCallsRetried: accepted.filter((outcome) => outcome.attempts > 1).length,
          patientsWithSeveralContexts: moreThanOnce(
            timesLogged(adapter.lines(), new Set([PUBLISHED]), 'patientPseudonym'),
          ),
          contextsHandledTwice: moreThanOnce(
            timesLogged(
              guardrails.flatMap((instance) => instance.lines()),
              HANDLED,
              'contextId',
            ),
          ),
          contextsInferredTwice: moreThanOnce(
            timesLogged(inference.lines(), new Set(['generated']), 'requestId'),
          ),
          inferenceCallsCancelled: generateCalls.CANCELLED ?? 0,
          setsHandledTwiceByAdapter: moreThanOnce(timesLogged(adapter.lines(), SET_HANDLED, 'setId')),
        },
        ...faultFigures,
        outcome: {
          auditDecisionRows: finalDecisions.length,
          auditChainVerifies: verdict.ok,
          auditRowsVerified: verdict.rows ?? 0,
          patientsWithSetWritten: setsByPatient.size,
          patientsWithNothingToWrite: CONTEXTS - expectedSet.size,
          ehrResourcesWritten: written.length,
          writesWithoutAuditEvent: missingAuditEvents.writes.length,
          decisionsWithoutAuditEvent: missingAuditEvents.decisions.length,
          ...Object.fromEntries(
            deadLetterTopics.map((topic) => [`dlq ${topic.slice(runId.length + 1)}`, deadLettersIn(topic)]),
          ),
        },
      };
      console.log(figuresTable(`Chaos run: ${CONTEXTS} contexts`, figures));
      await writeFigures(RESULTS_FILE, figures);

      // --- exactly once, end to end ---------------------------------------------------------------
      const patientIds = patients.map((patient) => patient.id).sort();
      expect([...decisionsByPatient.keys()].sort()).toEqual(patientIds);
      const notOnce = [...decisionsByPatient]
        .filter(([, records]) => records.length !== 1)
        .map(([id, records]) => `${id}: ${records.length} decisions`);
      expect(notOnce).toEqual([]);
      // A compliance officer's search by pseudonym finds that one row.
      for (const [record] of decisionsByPatient.values())
        expect((await audit.decisionsOf(record!.patientPseudonym)).map((found) => found.seq)).toEqual([
          record!.seq,
        ]);

      const wrongSets = patientIds
        .map((id) => ({
          id,
          sets: [...(setsByPatient.get(`Patient/${id}`) ?? [])],
          expected: expectedSet.get(id),
        }))
        .filter(({ sets, expected }) =>
          expected ? sets.length !== 1 || sets[0] !== expected : sets.length > 0,
        )
        .map(
          ({ id, sets, expected }) =>
            `${id}: wrote ${sets.join(',') || 'nothing'}, expected ${expected ?? 'nothing'}`,
        );
      expect(wrongSets).toEqual([]);
      const identifiers = written.map((resource) => resource.identifier);
      expect(identifiers.filter((identifier, index) => identifiers.indexOf(identifier) !== index)).toEqual(
        [],
      );
      // One analysis per patient: nothing superseded.
      expect(written.filter((resource) => !['preliminary', 'in-progress'].includes(resource.status))).toEqual(
        [],
      );

      expect(verdict).toMatchObject({ ok: true });
      expect(missingAuditEvents).toEqual({ writes: [], decisions: [] });

      // The dead-letter topics hold the poison, each once with its reason, and nothing else.
      const byKey = <T extends { key: string | null }>(list: T[]) =>
        list.sort((a, b) => String(a.key).localeCompare(String(b.key)));
      expect(
        byKey(
          deadLetters.map((letter) => ({
            topic: letter.topic,
            key: letter.key,
            poison: letter.headers[POISON_HEADER],
            reason: letter.headers[DEAD_LETTER_REASON],
          })),
        ),
      ).toEqual(
        byKey(
          poison.map((message) => ({
            topic: `${message.topic}.dlq`,
            key: message.message.key?.toString() ?? null,
            poison: message.label,
            reason: message.expectedReason,
          })),
        ),
      );

      // Both guardrails did work: each logs every context it handled.
      expect(workOf(crashing).reviewed).toBeGreaterThan(0);
      expect(workOf(steady).reviewed).toBeGreaterThan(0);
      // The crash cost work in hand (the model's answer never reached guardrails-a), done again once.
      if (faultFigures['guardrails-a SIGKILL']?.killedWhileInferring)
        expect(figures.redelivery!.inferenceCallsCancelled).toBeGreaterThan(0);
    },
    FLOW_TIMEOUT_MS + 3 * 60_000,
  );
});
