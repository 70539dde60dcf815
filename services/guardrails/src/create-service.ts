import { createPrivateKey, createPublicKey } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GuardrailsConfig } from '@aloe/shared/config';
import { createConsumerReadiness, openKafka, runConsumer, topicsWithPrefix } from '@aloe/shared/kafka';
import { createLogger, type Logger } from '@aloe/shared/logging';
import { createConsumerMetrics, createMetricsRegistry, startMetricsServer } from '@aloe/shared/metrics';
import type { AuditEvent } from '@aloe/shared/schemas';
import { composeService } from '@aloe/shared/service';
import type { Shutdown } from '@aloe/shared/shutdown';
import type { Registry } from 'prom-client';
import { createApp } from './app.js';
import type { CheckpointResult } from './audit/audit-integrity.js';
import { createAuditStore } from './audit/audit-store.js';
import { scheduleCheckpoints } from './audit/checkpoint-schedule.js';
import { type AuditDatabase, openAuditDatabase } from './audit/open-audit-database.js';
import { DEVELOPMENT_SIGNING_KEY } from './audit/signing.js';
import { recordAccess } from './flows/record-access.js';
import { recordFeedback } from './flows/record-feedback.js';
import { reviewContext } from './flows/review-context.js';
import { createInferenceCaller } from './inference/inference-client.js';
import { type HarmClassifier, loadHarmClassifier } from './rails/harm/harm-classifier.js';
import { withHarmMetrics } from './rails/harm/harm-metrics.js';

export interface GuardrailsServiceClients {
  /** Default: the service's logger at the configured level. */
  logger?: Logger;
  /** Default: a registry of its own, every series labelled service="guardrails". */
  registry?: Registry;
  /**
   * The learned harm rail, already loaded (its owner closes it). Default: loaded from
   * GUARDRAILS_HARM_MODEL_DIR; a missing model is a ConfigError (fail closed).
   */
  harm?: HarmClassifier;
  /** The audit database, already open and migrated (its owner closes it). Default: opened from config.audit. */
  auditDatabase?: AuditDatabase;
  /** The clock of decisions and feedback; default: the wall clock. */
  now?: () => Date;
}

export interface GuardrailsService {
  readonly httpPort: number;
  readonly metricsPort: number;
  /** Resolves once every consumer has joined its group (then /readyz answers 200). */
  readonly ready: Promise<void>;
  /**
   * Consumers stop (the context in hand is finished), then the HTTP server, the Kafka producer, the
   * inference client, the checkpoints, the audit database, /metrics and the harm rail close, in that
   * order. Rejects if a step failed (each is logged). Idempotent.
   */
  close(): Promise<void>;
}

/**
 * The guardrails service: the harm rail (fail closed), /metrics, the audit database (checkpoint, purge,
 * scheduled checkpoints), the inference client, Kafka, the HTTP app, then the patient-context, feedback
 * and access-event consumers. Throws (after closing what it opened) when a part cannot start; a
 * ConfigError says which setting is wrong.
 */
export async function createService(
  config: GuardrailsConfig,
  clients: GuardrailsServiceClients = {},
): Promise<GuardrailsService> {
  const logger = clients.logger ?? createLogger({ service: 'guardrails', level: config.logLevel });
  const registry = clients.registry ?? createMetricsRegistry('guardrails');
  const now = clients.now ?? (() => new Date());
  const topics = topicsWithPrefix(config.kafka.topicPrefix);
  return composeService({ name: 'guardrails', logger, timeoutMs: config.shutdownTimeoutMs }, start);

  async function start(steps: Shutdown): Promise<Omit<GuardrailsService, 'close'>> {
    const harm = withHarmMetrics(clients.harm ?? (await loadHarm()), registry);
    if (!clients.harm) steps.onShutdown('harm rail model', () => harm.close());

    const metricsServer = await startMetricsServer(registry, config.metrics);
    steps.onShutdown('metrics server', () => metricsServer.close());

    // Migrations run as the owner's login; the service then works as the app role
    // (docs/runbook.md#audit-database-roles).
    const { db, escapableBecause } =
      clients.auditDatabase ??
      (await openAuditDatabase(config.audit, {
        onIdleClientError: (error) =>
          logger.warn({ err: error }, 'an idle audit database connection was closed by the server'),
      }));
    if (!clients.auditDatabase) steps.onShutdown('audit database', () => db.close());
    if (escapableBecause)
      logger.warn(
        { reason: escapableBecause },
        'audit sessions work as the app role, but their login could switch back and alter the log: give the service a login of its own',
      );
    if (!config.audit.signingPrivateKey)
      logger.warn(
        'GUARDRAILS_AUDIT_SIGNING_KEY is not set: the audit log is signed with the published development key, so its signatures prove nothing',
      );
    const audit = createAuditStore(db, {
      signingKey: config.audit.signingPrivateKey
        ? createPrivateKey(config.audit.signingPrivateKey)
        : DEVELOPMENT_SIGNING_KEY,
      trustedPublicKeys: config.audit.trustedPublicKeys.map((pem) => createPublicKey(pem)),
    });
    // Each checkpoint also goes to the service log: a copy outside the database, should the table be emptied.
    const logCheckpoint = (result: CheckpointResult) => {
      if (!result.ok)
        logger.error(
          {
            code: result.verdict.code,
            firstBrokenSeq: result.verdict.firstBrokenSeq,
            reason: result.verdict.reason,
          },
          'the audit log does not verify: no checkpoint signed',
        );
      else if (result.fresh) logger.info({ checkpoint: result.checkpoint }, 'audit checkpoint signed');
    };
    // Before the purge: the first checkpoint after an upgrade covers the rows written before rows were signed.
    logCheckpoint(await audit.checkpoint());
    const purged = await audit.purgeExpired(config.audit.retentionDays);
    if (!purged.ok)
      logger.error(
        {
          code: purged.verdict.code,
          firstBrokenSeq: purged.verdict.firstBrokenSeq,
          reason: purged.verdict.reason,
        },
        'the audit log does not verify: nothing purged, the log is kept whole as evidence',
      );
    else if (purged.deleted > 0)
      logger.info(
        { purged: purged.deleted, retentionDays: config.audit.retentionDays },
        'audit rows past the retention purged',
      );
    const checkpoints = scheduleCheckpoints(audit, {
      intervalMs: config.audit.checkpointIntervalMs,
      onResult: logCheckpoint,
      onError: (error) => logger.error({ err: error }, 'audit checkpoint failed'),
    });
    steps.onShutdown('audit checkpoints', () => checkpoints.stop());
    logger.info({ keyId: audit.signer.keyId }, 'audit log ready, signing with this key');

    const inference = createInferenceCaller({
      address: config.inference.address,
      deadlineMs: config.inference.deadlineMs,
      tls: config.inference.tls,
      retry: {
        maxAttempts: config.review.inferenceMaxAttempts,
        initialDelayMs: 500,
        maxDelayMs: 10_000,
      },
    });
    steps.onShutdown('inference client', () => inference.close());

    const { kafka, producer } = await openKafka({
      settings: config.kafka,
      topics: [topics.patientContext, topics.suggestions, topics.feedback, topics.audit],
      logger,
      shutdown: steps,
    });

    // Ready only once every consumer runs, and not while a crashed one is being restarted.
    const consumers = createConsumerReadiness();
    if (config.compliance.tokens.length === 0)
      logger.warn('GUARDRAILS_COMPLIANCE_TOKENS is not set: the compliance API refuses every caller');
    const app = createApp({
      audit,
      harm,
      complianceTokens: config.compliance.tokens,
      otherTokens: config.compliance.staffTokens,
      logger,
      now,
      // Validation runs use the consumer's inference client and settings: what they measure is what runs.
      validation: { inference, retryBudgetMs: config.contextRetryBudgetMs, review: config.review },
      ready: async () => consumers.isReady() && (await db.query('SELECT 1 AS ok')).length === 1,
    });
    const server = await listen(app, config.http.port);
    steps.onShutdown('HTTP server', () => new Promise<void>((resolve) => server.close(() => resolve())));
    const httpPort = (server.address() as AddressInfo).port;

    const record = createConsumerMetrics(registry).record;
    // The decisions' and feedback's audit events, for the adapter's FHIR AuditEvents.
    const publishAudit = (event: AuditEvent) =>
      producer.send(topics.audit, [
        { key: event.patientPseudonym ?? 'none', value: event, correlationId: event.correlationId },
      ]);
    // Inference can take minutes on a CPU: the handler heartbeats. A failing service is retried, by the
    // client and the consumer, within ONE budget per context (GUARDRAILS_CONTEXT_RETRY_BUDGET_MS, counted
    // from its first attempt); then the context goes to the DLQ (nothing is lost). On close (SIGTERM) the
    // context in hand is finished, not cancelled (within GUARDRAILS_SHUTDOWN_TIMEOUT_MS; past it the
    // process exits and the uncommitted context is redelivered).
    const contexts = await runConsumer({
      kafka,
      contract: topics.patientContext,
      groupId: config.groupId,
      producer,
      logger,
      onOutcome: record,
      ...config.kafka.consumer,
      retry: { budgetMs: config.contextRetryBudgetMs, initialDelayMs: 2_000, maxDelayMs: 30_000 },
      handle: async (context, meta) => {
        const heartbeat = setInterval(
          () => void meta.heartbeat().catch(() => undefined),
          config.kafka.consumer.heartbeatIntervalMs,
        );
        try {
          await reviewContext(context, {
            infer: (request, options) => inference.generate(request, { ...options, deadline: meta.deadline }),
            audit,
            harm,
            publish: (set) =>
              producer.send(topics.suggestions, [
                { key: set.patient.pseudonym, value: set, correlationId: set.contextId },
              ]),
            publishAudit,
            logger,
            now,
            ...config.review,
          });
        } finally {
          clearInterval(heartbeat);
        }
      },
    });
    steps.onShutdown('patient-context consumer', () => contexts.stop());
    consumers.add(contexts);
    const feedback = await runConsumer({
      kafka,
      contract: topics.feedback,
      groupId: `${config.groupId}-feedback`,
      producer,
      logger,
      onOutcome: record,
      ...config.kafka.consumer,
      handle: (value) => recordFeedback(value, { audit, publishAudit, now }),
    });
    steps.onShutdown('feedback consumer', () => feedback.stop());
    consumers.add(feedback);
    const access = await runConsumer({
      kafka,
      contract: topics.audit,
      groupId: `${config.groupId}-access`,
      producer,
      logger,
      onOutcome: record,
      ...config.kafka.consumer,
      handle: (value) => recordAccess(value, { audit }),
    });
    steps.onShutdown('access-event consumer', () => access.stop());
    consumers.add(access);

    const ready = consumers.complete().then(() => {
      logger.info({ port: httpPort, metricsPort: metricsServer.port }, 'guardrails ready');
    });
    return { httpPort, metricsPort: metricsServer.port, ready };
  }

  /** Fail closed: without its learned harm rail the service does not start (a ConfigError says how to fetch it). */
  async function loadHarm(): Promise<HarmClassifier> {
    // The first start also distils the screen's token table (~5 s) and saves it beside the model.
    const startedAt = performance.now();
    const harm = await loadHarmClassifier(config.harmModelDir, { threads: config.harmModelThreads });
    logger.info(
      { harmRail: harm.id, loadMs: Math.round(performance.now() - startedAt) },
      'learned harm rail ready',
    );
    return harm;
  }
}

/** Listens on all interfaces; port 0 takes a free one. */
function listen(app: ReturnType<typeof createApp>, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, '0.0.0.0');
    server.once('listening', () => resolve(server));
    server.once('error', reject);
  });
}
