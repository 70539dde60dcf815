import { z } from 'zod';
import { MAX_AGE_YEARS, MAX_CONTEXT_ITEMS } from '../schemas/patient-context.js';
import {
  checkKafkaHeartbeat,
  checkKafkaSasl,
  envBool,
  envEnum,
  envHost,
  envInt,
  envList,
  envPort,
  envString,
  envUrl,
  kafkaEnv,
  kafkaSettingsFrom,
  LogLevel,
} from './env.js';

/** The pseudonym key of development: public, so pseudonyms made with it can be reproduced by anyone. */
export const DEVELOPMENT_PSEUDONYM_KEY = 'development-only-pseudonym-key-change-me';

/** The FHIR adapter (`FHIR_ADAPTER_*`). */
export const FhirAdapterConfig = z
  .object({
    LOG_LEVEL: LogLevel.default('info'),
    ...kafkaEnv,
    FHIR_ADAPTER_GROUP_ID: envString().default('aloe-fhir-adapter'),
    FHIR_ADAPTER_HTTP_PORT: envPort().default(8081),
    /** Where /metrics listens: this host only by default; 0.0.0.0 in a container, for Prometheus. */
    FHIR_ADAPTER_METRICS_HOST: envHost().default('127.0.0.1'),
    FHIR_ADAPTER_METRICS_PORT: envPort().default(9466),
    /** The EHR's FHIR R4 base URL. */
    FHIR_ADAPTER_FHIR_BASE_URL: envUrl().default('http://127.0.0.1:8080/fhir/R4'),
    FHIR_ADAPTER_FHIR_AUTH: envEnum(['none', 'bearer', 'smart-backend']).default('none'),
    FHIR_ADAPTER_FHIR_BEARER_TOKEN: envString().optional(),
    FHIR_ADAPTER_SMART_TOKEN_URL: envUrl().optional(),
    FHIR_ADAPTER_SMART_CLIENT_ID: envString().optional(),
    /** PEM of the private key (RS384 or ES384) that signs the client assertion. */
    FHIR_ADAPTER_SMART_PRIVATE_KEY: envString().optional(),
    FHIR_ADAPTER_SMART_KEY_ID: envString().optional(),
    FHIR_ADAPTER_SMART_SCOPES: envString().default('system/*.rs'),
    /** Key for patient pseudonyms (HMAC-SHA256); at least 32 characters. */
    FHIR_ADAPTER_PSEUDONYM_KEY: envString()
      .default(DEVELOPMENT_PSEUDONYM_KEY)
      .refine((key) => key.length >= 32, 'must be at least 32 characters'),
    /** Development only: accept CDS Hooks calls without a valid EHR JWT. Logged loudly when on. */
    FHIR_ADAPTER_CDS_ALLOW_UNAUTHENTICATED: envBool().default(false),
    /** The URL EHRs call this service at; a CDS Hooks JWT's `aud` must be this plus the path called. */
    FHIR_ADAPTER_PUBLIC_URL: envUrl().default('http://127.0.0.1:8081'),
    /** Allow-listed EHR issuers (`iss`) of CDS Hooks JWTs, comma-separated. */
    FHIR_ADAPTER_CDS_ISSUERS: envList().optional(),
    /** Allow-listed JWK Set URLs (`jku`), comma-separated. */
    FHIR_ADAPTER_CDS_JKU_ALLOWLIST: envList().optional(),
    /** A JWK Set (JSON) for EHRs that sign without `jku`. */
    FHIR_ADAPTER_CDS_JWKS: envString()
      .optional()
      .refine((text) => text === undefined || isJwks(text), 'must be a JSON Web Key Set: {"keys":[...]}'),
    /** Tenants a CDS Hooks JWT may name (`tenant` claim), comma-separated; unset = any (one-tenant EHRs send none). */
    FHIR_ADAPTER_CDS_TENANTS: envList().optional(),
    /**
     * FHIR servers a CDS Hooks call may name (`fhirServer`), comma-separated; default: the EHR this
     * adapter reads (FHIR_ADAPTER_FHIR_BASE_URL). A call about another server would be answered from the wrong chart.
     */
    FHIR_ADAPTER_CDS_FHIR_SERVERS: envList().optional(),
    /** The sidebar page's SMART launch URL, linked from every card; default: this service's /sidebar/launch. */
    FHIR_ADAPTER_SIDEBAR_LAUNCH_URL: envUrl().optional(),
    /** The sidebar's client id at the EHR's authorization server (public client, PKCE). */
    FHIR_ADAPTER_SIDEBAR_CLIENT_ID: envString().default('aloe-sidebar'),
    /** A sidebar session ends after this many minutes without an answer (each answer renews it). */
    FHIR_ADAPTER_SIDEBAR_SESSION_IDLE_MINUTES: envInt({ min: 1, max: 24 * 60 }).default(60),
    /** ... and this many hours after the EHR launched it, answers or not. */
    FHIR_ADAPTER_SIDEBAR_SESSION_MAX_HOURS: envInt({ min: 1, max: 24 }).default(12),
    /**
     * Redis for the card store every replica shares (`redis://` or `rediss://`); unset = in memory, per
     * replica (the embedded default, right for one replica).
     */
    FHIR_ADAPTER_CARD_STORE_URL: z
      .url({ protocol: /^rediss?$/, message: 'must be a redis:// or rediss:// URL' })
      .optional(),
    /** How long cached cards and their feedback origins live. */
    FHIR_ADAPTER_CARD_TTL_HOURS: envInt({ min: 1, max: 24 * 90 }).default(72),
    /** Key prefix in that Redis, so environments can share one. */
    FHIR_ADAPTER_CARD_STORE_PREFIX: envString().default('aloe:cards:'),
    /** Bearer token for the API and subscription notifications; unset = open (development only). */
    FHIR_ADAPTER_API_TOKEN: envString().optional(),
    /** Write every event of aloe.audit.v1 to a FHIR server as an R4 AuditEvent (IHE BALP shapes). */
    FHIR_ADAPTER_AUDIT_FHIR_ENABLED: envBool().default(true),
    /** The FHIR R4 base that receives the AuditEvents (an audit repository); default: the EHR's. */
    FHIR_ADAPTER_AUDIT_FHIR_URL: envUrl().optional(),
    /** How to authenticate there: as to the EHR (`ehr`), not at all, or with its own bearer token. */
    FHIR_ADAPTER_AUDIT_FHIR_AUTH: envEnum(['ehr', 'none', 'bearer']).default('ehr'),
    FHIR_ADAPTER_AUDIT_FHIR_BEARER_TOKEN: envString().optional(),
    /** The most AuditEvents one transaction carries. */
    FHIR_ADAPTER_AUDIT_BATCH_MAX_EVENTS: envInt({ min: 1, max: 1_000 }).default(100),
    /** How long the broker holds a fetch for more events (the longest a quiet event waits to be sent). */
    FHIR_ADAPTER_AUDIT_BATCH_LINGER_MS: envInt({ min: 0, max: 60_000 }).default(1_000),
    /** ... unless this many bytes of events are there already (a busy topic is sent at once). */
    FHIR_ADAPTER_AUDIT_BATCH_MIN_BYTES: envInt({ min: 1, max: 10_000_000 }).default(65_536),
    /** Attempts per batch while the FHIR server fails or is down; then the batch is fetched again. */
    FHIR_ADAPTER_AUDIT_RETRY_MAX_ATTEMPTS: envInt({ min: 1, max: 100 }).default(8),
    /** The longest wait between two attempts (exponential backoff with jitter from 500 ms). */
    FHIR_ADAPTER_AUDIT_RETRY_MAX_DELAY_MS: envInt({ min: 500, max: 600_000 }).default(30_000),
    /**
     * Observations from this many days back; at most a lifetime (MAX_AGE_YEARS), and what is older is
     * counted in the context's `omitted`.
     */
    FHIR_ADAPTER_OBSERVATION_WINDOW_DAYS: envInt({ min: 1, max: MAX_AGE_YEARS * 365 }).default(365),
    /**
     * Observations read per patient: at most half a context's items (MAX_CONTEXT_ITEMS), leaving the
     * other half to conditions, medications, allergies and the rest.
     */
    FHIR_ADAPTER_OBSERVATION_LIMIT: envInt({ min: 1, max: MAX_CONTEXT_ITEMS / 2 }).default(200),
    FHIR_ADAPTER_SHUTDOWN_TIMEOUT_MS: envInt({ min: 0 }).default(30_000),
  })
  .superRefine(checkKafkaSasl)
  .superRefine(checkKafkaHeartbeat)
  .superRefine((env, ctx) => {
    // A loopback public URL is this very process: EHR JWTs' `aud` and the SMART redirect must reach it.
    const publicUrl = new URL(env.FHIR_ADAPTER_PUBLIC_URL);
    const publicPort = Number(publicUrl.port || (publicUrl.protocol === 'https:' ? 443 : 80));
    if (
      ['localhost', '127.0.0.1', '[::1]'].includes(publicUrl.hostname) &&
      env.FHIR_ADAPTER_HTTP_PORT !== 0 &&
      publicPort !== env.FHIR_ADAPTER_HTTP_PORT
    )
      ctx.addIssue({
        code: 'custom',
        path: ['FHIR_ADAPTER_PUBLIC_URL'],
        message: `is on this host but port ${publicPort}, not FHIR_ADAPTER_HTTP_PORT ${env.FHIR_ADAPTER_HTTP_PORT}: EHR calls and SMART redirects would miss this service`,
      });
    const require = (name: keyof typeof env, when: string) => {
      if (!env[name]) ctx.addIssue({ code: 'custom', path: [name], message: `is required when ${when}` });
    };
    if (env.FHIR_ADAPTER_FHIR_AUTH === 'bearer') {
      require('FHIR_ADAPTER_FHIR_BEARER_TOKEN', 'FHIR_ADAPTER_FHIR_AUTH=bearer');
    }
    if (env.FHIR_ADAPTER_AUDIT_FHIR_AUTH === 'bearer') {
      require('FHIR_ADAPTER_AUDIT_FHIR_BEARER_TOKEN', 'FHIR_ADAPTER_AUDIT_FHIR_AUTH=bearer');
    }
    if (env.FHIR_ADAPTER_AUDIT_FHIR_URL && !/^https?:\/\//.test(env.FHIR_ADAPTER_AUDIT_FHIR_URL))
      ctx.addIssue({
        code: 'custom',
        path: ['FHIR_ADAPTER_AUDIT_FHIR_URL'],
        message: 'must be an http:// or https:// FHIR base URL',
      });
    if (env.FHIR_ADAPTER_FHIR_AUTH === 'smart-backend') {
      for (const name of [
        'FHIR_ADAPTER_SMART_TOKEN_URL',
        'FHIR_ADAPTER_SMART_CLIENT_ID',
        'FHIR_ADAPTER_SMART_PRIVATE_KEY',
        'FHIR_ADAPTER_SMART_KEY_ID',
      ] as const) {
        require(name, 'FHIR_ADAPTER_FHIR_AUTH=smart-backend');
      }
    }
  })
  .transform((env) => ({
    logLevel: env.LOG_LEVEL,
    kafka: kafkaSettingsFrom(env, 'aloe-fhir-adapter'),
    groupId: env.FHIR_ADAPTER_GROUP_ID,
    http: { port: env.FHIR_ADAPTER_HTTP_PORT },
    metrics: { host: env.FHIR_ADAPTER_METRICS_HOST, port: env.FHIR_ADAPTER_METRICS_PORT },
    fhir: {
      baseUrl: env.FHIR_ADAPTER_FHIR_BASE_URL,
      auth: env.FHIR_ADAPTER_FHIR_AUTH,
      bearerToken: env.FHIR_ADAPTER_FHIR_BEARER_TOKEN,
      smart: {
        tokenUrl: env.FHIR_ADAPTER_SMART_TOKEN_URL,
        clientId: env.FHIR_ADAPTER_SMART_CLIENT_ID,
        privateKey: env.FHIR_ADAPTER_SMART_PRIVATE_KEY,
        keyId: env.FHIR_ADAPTER_SMART_KEY_ID,
        scopes: env.FHIR_ADAPTER_SMART_SCOPES,
      },
    },
    pseudonymKey: env.FHIR_ADAPTER_PSEUDONYM_KEY,
    publicUrl: env.FHIR_ADAPTER_PUBLIC_URL,
    cds: {
      allowUnauthenticated: env.FHIR_ADAPTER_CDS_ALLOW_UNAUTHENTICATED,
      issuers: env.FHIR_ADAPTER_CDS_ISSUERS ?? [],
      jkuAllowList: env.FHIR_ADAPTER_CDS_JKU_ALLOWLIST ?? [],
      jwks: env.FHIR_ADAPTER_CDS_JWKS
        ? (JSON.parse(env.FHIR_ADAPTER_CDS_JWKS) as { keys: object[] })
        : undefined,
      tenants: env.FHIR_ADAPTER_CDS_TENANTS,
      fhirServers: env.FHIR_ADAPTER_CDS_FHIR_SERVERS ?? [env.FHIR_ADAPTER_FHIR_BASE_URL],
    },
    sidebarLaunchUrl:
      env.FHIR_ADAPTER_SIDEBAR_LAUNCH_URL ??
      `${env.FHIR_ADAPTER_PUBLIC_URL.replace(/\/+$/, '')}/sidebar/launch`,
    sidebarClientId: env.FHIR_ADAPTER_SIDEBAR_CLIENT_ID,
    sidebarSession: {
      idleMs: env.FHIR_ADAPTER_SIDEBAR_SESSION_IDLE_MINUTES * 60_000,
      maxMs: env.FHIR_ADAPTER_SIDEBAR_SESSION_MAX_HOURS * 3_600_000,
    },
    cardStore: {
      url: env.FHIR_ADAPTER_CARD_STORE_URL,
      ttlSeconds: env.FHIR_ADAPTER_CARD_TTL_HOURS * 3_600,
      keyPrefix: env.FHIR_ADAPTER_CARD_STORE_PREFIX,
    },
    apiToken: env.FHIR_ADAPTER_API_TOKEN,
    auditFhir: {
      enabled: env.FHIR_ADAPTER_AUDIT_FHIR_ENABLED,
      baseUrl: env.FHIR_ADAPTER_AUDIT_FHIR_URL ?? env.FHIR_ADAPTER_FHIR_BASE_URL,
      auth: env.FHIR_ADAPTER_AUDIT_FHIR_AUTH,
      bearerToken: env.FHIR_ADAPTER_AUDIT_FHIR_BEARER_TOKEN,
      batch: {
        maxEvents: env.FHIR_ADAPTER_AUDIT_BATCH_MAX_EVENTS,
        lingerMs: env.FHIR_ADAPTER_AUDIT_BATCH_LINGER_MS,
        minBytes: env.FHIR_ADAPTER_AUDIT_BATCH_MIN_BYTES,
      },
      retry: {
        maxAttempts: env.FHIR_ADAPTER_AUDIT_RETRY_MAX_ATTEMPTS,
        initialDelayMs: 500,
        maxDelayMs: env.FHIR_ADAPTER_AUDIT_RETRY_MAX_DELAY_MS,
      },
    },
    context: {
      observationWindowDays: env.FHIR_ADAPTER_OBSERVATION_WINDOW_DAYS,
      observationLimit: env.FHIR_ADAPTER_OBSERVATION_LIMIT,
    },
    shutdownTimeoutMs: env.FHIR_ADAPTER_SHUTDOWN_TIMEOUT_MS,
  }));
export type FhirAdapterConfig = z.output<typeof FhirAdapterConfig>;

function isJwks(text: string): boolean {
  try {
    const value = JSON.parse(text) as { keys?: unknown };
    return Array.isArray(value.keys);
  } catch {
    return false;
  }
}
