import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEVELOPMENT_PSEUDONYM_KEY, type FhirAdapterConfig } from '@aloe/shared/config';
import { createConsumerReadiness, openKafka, runConsumer, topicsWithPrefix } from '@aloe/shared/kafka';
import { createLogger, type Logger } from '@aloe/shared/logging';
import { createConsumerMetrics, createMetricsRegistry, startMetricsServer } from '@aloe/shared/metrics';
import type { AuditEvent, Feedback } from '@aloe/shared/schemas';
import { composeService } from '@aloe/shared/service';
import type { Shutdown } from '@aloe/shared/shutdown';
import type { Registry } from 'prom-client';
import { createApp } from './app.js';
import { runFhirAuditSink } from './audit/fhir-audit-sink.js';
import { type CardStore, MemoryCardStore } from './cards/card-store.js';
import { createRedisCardStore } from './cards/redis-card-store.js';
import { pseudonymize } from './context/pseudonymize.js';
import { type AccessTokenProvider, createBackendAuth, staticBearer } from './ehr/backend-auth.js';
import { createAuthorizedClient } from './ehr/fhir-client.js';
import { readEarlierWrites, readSetWrites } from './ehr/read-aloe-writes.js';
import { submitTransaction } from './ehr/submit-transaction.js';
import { applyReview } from './flows/apply-review.js';
import { applySuggestions } from './flows/apply-suggestions.js';
import { type CaptureDeps, captureContext, contextFromPrefetch } from './flows/capture-context.js';
import { type PublishContextDeps, publishCapturedContext, publishContext } from './flows/publish-context.js';
import { memoryReplayStore, redisReplayStore } from './http/replay-store.js';
import { createEhrJwtVerifier } from './http/verify-ehr-jwt.js';
import { openRedis } from './redis/open-redis.js';

/**
 * How long a suggestion set or a review is retried while the EHR or the broker fails (a broker restart
 * takes a minute): as long as the guardrails' default context budget, so a good set is never
 * dead-lettered because a dependency was briefly down.
 */
const WRITE_BACK_RETRY = { budgetMs: 10 * 60_000, initialDelayMs: 1_000, maxDelayMs: 30_000 };

export interface FhirAdapterServiceClients {
  /** Default: the service's logger at the configured level. */
  logger?: Logger;
  /** Default: a registry of its own, every series labelled service="fhir-adapter". */
  registry?: Registry;
  /** The cards CDS Hooks answers with (its owner closes it). Default: Redis when configured, else in memory. */
  cards?: CardStore;
  /** The clock of captured contexts, write-backs and audit events; default: the wall clock. */
  now?: () => Date;
}

export interface FhirAdapterService {
  readonly httpPort: number;
  readonly metricsPort: number;
  /** Resolves once every consumer has joined its group (then /readyz answers 200 while the EHR does). */
  readonly ready: Promise<void>;
  /**
   * The consumers stop (the message in hand is finished), then the HTTP server, the Redis clients, the
   * Kafka producer and /metrics close, in that order. Rejects if a step failed (each is logged). Idempotent.
   */
  close(): Promise<void>;
}

/**
 * The FHIR adapter: /metrics, Kafka, the EHR client, the card and token-replay stores, the HTTP app
 * (CDS Hooks, sidebar, API), then the suggestions and feedback consumers and the FHIR AuditEvent sink.
 * Throws (after closing what it opened) when a part cannot start.
 */
export async function createService(
  config: FhirAdapterConfig,
  clients: FhirAdapterServiceClients = {},
): Promise<FhirAdapterService> {
  const logger = clients.logger ?? createLogger({ service: 'fhir-adapter', level: config.logLevel });
  const registry = clients.registry ?? createMetricsRegistry('fhir-adapter');
  const now = clients.now ?? (() => new Date());
  const topics = topicsWithPrefix(config.kafka.topicPrefix);
  return composeService({ name: 'fhir-adapter', logger, timeoutMs: config.shutdownTimeoutMs }, start);

  async function start(steps: Shutdown): Promise<Omit<FhirAdapterService, 'close'>> {
    const metricsServer = await startMetricsServer(registry, config.metrics);
    steps.onShutdown('metrics server', () => metricsServer.close());

    const { kafka, producer } = await openKafka({
      settings: config.kafka,
      topics: [topics.patientContext, topics.suggestions, topics.feedback, topics.audit],
      logger,
      shutdown: steps,
    });

    let auth: AccessTokenProvider | undefined;
    if (config.fhir.auth === 'bearer') auth = staticBearer(config.fhir.bearerToken!);
    if (config.fhir.auth === 'smart-backend') {
      const smart = config.fhir.smart;
      auth = await createBackendAuth({
        tokenUrl: smart.tokenUrl!,
        clientId: smart.clientId!,
        privateKeyPem: smart.privateKey!,
        keyId: smart.keyId!,
        scopes: smart.scopes,
      });
    }
    const client = createAuthorizedClient(config.fhir.baseUrl, auth);

    // One replica: in memory. Several: Redis, so any replica answers any patient's CDS Hooks call.
    const cards: CardStore =
      clients.cards ??
      (config.cardStore.url
        ? await createRedisCardStore({ ...config.cardStore, url: config.cardStore.url })
        : new MemoryCardStore());
    if (!clients.cards) steps.onShutdown('card store', () => cards.close());
    // The ids of accepted CDS Hooks tokens: shared by the replicas when they share Redis.
    const replayRedis = config.cardStore.url
      ? await openRedis(config.cardStore.url, 'FHIR_ADAPTER_CARD_STORE_URL')
      : undefined;
    if (replayRedis) steps.onShutdown('token replay store', () => replayRedis.close());
    const replay = replayRedis
      ? redisReplayStore(replayRedis, config.cardStore.keyPrefix)
      : memoryReplayStore();
    const audit = (event: AuditEvent) =>
      producer.send(topics.audit, [
        { key: event.patientPseudonym ?? 'none', value: event, correlationId: event.correlationId },
      ]);
    const capture: CaptureDeps = {
      client,
      fhirBase: config.fhir.baseUrl,
      pseudonymKey: config.pseudonymKey,
      now,
      newId: randomUUID,
      read: {
        observationWindowDays: config.context.observationWindowDays,
        observationLimit: config.context.observationLimit,
        includeNotes: true,
      },
    };
    const publishing: PublishContextDeps = {
      capture,
      publish: (value) =>
        producer.send(topics.patientContext, [
          { key: value.patient.pseudonym, value, correlationId: value.contextId },
        ]),
      audit,
      logger,
    };
    const requestAnalysis = async (request: Parameters<typeof publishContext>[1]) => {
      const context = await publishContext(publishing, request);
      return { contextId: context.contextId };
    };

    if (config.cds.allowUnauthenticated) {
      logger.warn(
        'FHIR_ADAPTER_CDS_ALLOW_UNAUTHENTICATED is on: CDS Hooks calls are NOT authenticated. Development only.',
      );
    }
    if (config.pseudonymKey === DEVELOPMENT_PSEUDONYM_KEY)
      logger.warn(
        'FHIR_ADAPTER_PSEUDONYM_KEY is the public development key: pseudonyms (and sealed sidebar sessions) can be reproduced by anyone. Set a secret of 32+ characters in production.',
      );
    if (!config.apiToken)
      logger.warn(
        'FHIR_ADAPTER_API_TOKEN is not set: the analyze API and subscription endpoint are open. Development only.',
      );
    const pseudonymOf = (patientId: string) =>
      pseudonymize(config.pseudonymKey, config.fhir.baseUrl, patientId);
    const publishFeedback = (feedback: Feedback[]) =>
      producer.send(
        topics.feedback,
        feedback.map((value) => ({ key: value.patientPseudonym, value })),
      );
    // Ready only once every consumer runs, and not while a crashed one is being restarted.
    const consumers = createConsumerReadiness();
    const app = createApp({
      publicBaseUrl: config.publicUrl,
      verifyEhrJwt:
        config.cds.issuers.length > 0
          ? createEhrJwtVerifier(
              {
                issuers: config.cds.issuers,
                jkuAllowList: config.cds.jkuAllowList,
                jwks: config.cds.jwks as never,
                tenants: config.cds.tenants,
              },
              { replay },
            )
          : undefined,
      allowUnauthenticated: config.cds.allowUnauthenticated,
      fhirServers: config.cds.fhirServers,
      cards,
      sidebarLaunchUrl: config.sidebarLaunchUrl,
      sidebar: {
        publicBaseUrl: config.publicUrl,
        issuers: [config.fhir.baseUrl],
        clientId: config.sidebarClientId,
        secret: config.pseudonymKey,
        sessionIdleMs: config.sidebarSession.idleMs,
        sessionMaxMs: config.sidebarSession.maxMs,
        cards,
        pseudonymOf,
        publishFeedback,
        newId: randomUUID,
        logger,
      },
      pseudonymOf,
      captureChart: (request) => captureContext(capture, request),
      chartFromPrefetch: (request) => contextFromPrefetch(capture, request),
      publishContext: (context) => publishCapturedContext(publishing, context),
      requestAnalysis,
      publishFeedback,
      audit,
      now,
      apiToken: config.apiToken,
      logger,
      newId: randomUUID,
      ready: async () => {
        if (!consumers.isReady()) return false;
        await (await client()).capabilityStatement();
        return true;
      },
    });
    const server = await listen(app, config.http.port);
    steps.onShutdown('HTTP server', () => new Promise<void>((resolve) => server.close(() => resolve())));
    const httpPort = (server.address() as AddressInfo).port;

    const consumerMetrics = createConsumerMetrics(registry);
    const consumer = await runConsumer({
      kafka,
      contract: topics.suggestions,
      groupId: config.groupId,
      producer,
      logger,
      onOutcome: consumerMetrics.record,
      ...config.kafka.consumer,
      retry: WRITE_BACK_RETRY,
      handle: async (set) => {
        const ehr = await client();
        await applySuggestions(set, {
          cards,
          submit: (bundle) => submitTransaction(ehr, bundle),
          readEarlier: (earlierOf) => readEarlierWrites(ehr, earlierOf),
          audit,
          logger,
          now,
        });
      },
    });
    steps.onShutdown('suggestions consumer', () => consumer.stop());
    consumers.add(consumer);
    // Clinicians' acceptances reach the EHR: the resource reviewed, the clinician the Provenance's verifier.
    const reviews = await runConsumer({
      kafka,
      contract: topics.feedback,
      groupId: `${config.groupId}-reviews`,
      producer,
      logger,
      onOutcome: consumerMetrics.record,
      ...config.kafka.consumer,
      retry: WRITE_BACK_RETRY,
      handle: async (feedback) => {
        const ehr = await client();
        await applyReview(feedback, {
          fhirBase: config.fhir.baseUrl,
          readSet: (setId) => readSetWrites(ehr, setId),
          submit: (bundle) => submitTransaction(ehr, bundle),
          audit,
          logger,
          newId: randomUUID,
          now,
        });
      },
    });
    steps.onShutdown('feedback consumer', () => reviews.stop());
    consumers.add(reviews);
    // Every audit event, of every service, as a FHIR AuditEvent on the EHR (or an audit repository), batched.
    if (config.auditFhir.enabled) {
      const { baseUrl, auth: auditAuth, bearerToken } = config.auditFhir;
      const auditClient =
        auditAuth === 'ehr' && baseUrl === config.fhir.baseUrl
          ? client
          : createAuthorizedClient(
              baseUrl,
              auditAuth === 'ehr' ? auth : auditAuth === 'bearer' ? staticBearer(bearerToken!) : undefined,
            );
      const auditSink = await runFhirAuditSink({
        kafka,
        contract: topics.audit,
        groupId: `${config.groupId}-fhir-audit`,
        producer,
        client: auditClient,
        registry,
        batch: config.auditFhir.batch,
        retry: config.auditFhir.retry,
        session: config.kafka.consumer,
        logger,
        now,
      });
      steps.onShutdown('FHIR AuditEvent consumer', () => auditSink.stop());
      // Not part of readiness: the sink restarts on purpose to retry a batch while the audit repository
      // is down, and that must not take CDS Hooks and the sidebar out of the load balancer.
    } else logger.warn('FHIR_ADAPTER_AUDIT_FHIR_ENABLED is false: no FHIR AuditEvents are written');

    const ready = consumers.complete().then(() => {
      logger.info(
        { port: httpPort, metricsPort: metricsServer.port, fhirBase: config.fhir.baseUrl },
        'fhir-adapter ready',
      );
    });
    return { httpPort, metricsPort: metricsServer.port, ready };
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
