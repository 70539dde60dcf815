// Wiring only: configuration → logger → Kafka → EHR client → HTTP server and consumer → shutdown.
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { DEVELOPMENT_PSEUDONYM_KEY, FhirAdapterConfig } from '@aloe/shared/config';
import { createConsumerReadiness, openKafka, runConsumer, topicsWithPrefix } from '@aloe/shared/kafka';
import { createConsumerMetrics, createMetricsRegistry, startMetricsServer } from '@aloe/shared/metrics';
import type { AuditEvent, Feedback } from '@aloe/shared/schemas';
import { bootService } from '@aloe/shared/service';
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

const { config, logger, shutdown } = bootService({
  service: 'fhir-adapter',
  schema: FhirAdapterConfig,
  env: process.env,
});
const topics = topicsWithPrefix(config.kafka.topicPrefix);
const now = () => new Date();

const registry = createMetricsRegistry('fhir-adapter');
const metricsServer = await startMetricsServer(registry, { port: config.metrics.port });
shutdown.onShutdown('metrics server', () => metricsServer.close());

const { kafka, producer } = await openKafka({
  settings: config.kafka,
  topics: [topics.patientContext, topics.suggestions, topics.feedback, topics.audit],
  logger,
  shutdown,
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
const cards: CardStore = config.cardStore.url
  ? await createRedisCardStore({ ...config.cardStore, url: config.cardStore.url })
  : new MemoryCardStore();
shutdown.onShutdown('card store', () => cards.close());
// The ids of accepted CDS Hooks tokens: shared by the replicas when they share Redis.
const replayRedis = config.cardStore.url
  ? await openRedis(config.cardStore.url, 'FHIR_ADAPTER_CARD_STORE_URL')
  : undefined;
if (replayRedis) shutdown.onShutdown('token replay store', () => replayRedis.close());
const replay = replayRedis ? redisReplayStore(replayRedis, config.cardStore.keyPrefix) : memoryReplayStore();
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
const pseudonymOf = (patientId: string) => pseudonymize(config.pseudonymKey, config.fhir.baseUrl, patientId);
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
const server = app.listen(config.http.port, '0.0.0.0');
await new Promise<void>((resolve) => server.once('listening', resolve));
const httpPort = (server.address() as AddressInfo).port;
shutdown.onShutdown('HTTP server', () => new Promise<void>((resolve) => server.close(() => resolve())));

const consumerMetrics = createConsumerMetrics(registry);
const consumer = await runConsumer({
  kafka,
  contract: topics.suggestions,
  groupId: config.groupId,
  producer,
  logger,
  onOutcome: consumerMetrics.record,
  handle: async (set) => {
    const ehr = await client();
    await applySuggestions(set, {
      cards,
      submit: (bundle) => submitTransaction(ehr, bundle),
      readEarlier: (earlierOf) => readEarlierWrites(ehr, earlierOf),
      audit,
      logger,
      newId: randomUUID,
      now,
    });
  },
});
shutdown.onShutdown('suggestions consumer', () => consumer.stop());
consumers.add(consumer);
// Clinicians' acceptances reach the EHR: the resource reviewed, the clinician the Provenance's verifier.
const reviews = await runConsumer({
  kafka,
  contract: topics.feedback,
  groupId: `${config.groupId}-reviews`,
  producer,
  logger,
  onOutcome: consumerMetrics.record,
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
shutdown.onShutdown('feedback consumer', () => reviews.stop());
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
    logger,
    now,
  });
  shutdown.onShutdown('FHIR AuditEvent consumer', () => auditSink.stop());
  // Not part of readiness: the sink restarts on purpose to retry a batch while the audit repository
  // is down, and that must not take CDS Hooks and the sidebar out of the load balancer.
} else logger.warn('FHIR_ADAPTER_AUDIT_FHIR_ENABLED is false: no FHIR AuditEvents are written');
await consumers.complete();
logger.info(
  { port: httpPort, metricsPort: metricsServer.port, fhirBase: config.fhir.baseUrl },
  'fhir-adapter ready',
);
