import { z } from 'zod';
import { DEFAULT_MAX_MESSAGE_BYTES } from '../kafka/message-size.js';

// Environment variables arrive as strings; loadConfig drops empty ones first, so defaults apply.
export const envString = () => z.string();

export const envInt = (options: { min?: number; max?: number } = {}) =>
  z.coerce
    .number({ message: 'must be a whole number' })
    .int('must be a whole number')
    .min(options.min ?? Number.MIN_SAFE_INTEGER, `must be at least ${options.min}`)
    .max(options.max ?? Number.MAX_SAFE_INTEGER, `must be at most ${options.max}`);

export const envPort = () => envInt({ min: 0, max: 65_535 });

/** An address to listen on or to dial: an IP address or a host name (0.0.0.0: every interface). */
export const envHost = () =>
  z.string().regex(/^[A-Za-z0-9._:-]+$/, 'must be an IP address or a host name (0.0.0.0: every interface)');

export const envBool = () =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
    .transform((value) => value === 'true' || value === '1' || value === 'yes');

export const envList = () =>
  z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string()).min(1, 'must list at least one value'));

export const envUrl = () => z.url({ message: 'must be an absolute URL' });

export const envEnum = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { message: `must be one of: ${values.join(', ')}` });

export const LogLevel = envEnum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']);

/** Variables every service that talks to Kafka reads. */
export const kafkaEnv = {
  KAFKA_BROKERS: envList().default(['127.0.0.1:9092']),
  KAFKA_CLIENT_ID: envString().optional(),
  KAFKA_SSL: envBool().default(false),
  KAFKA_SASL_MECHANISM: envEnum(['plain', 'scram-sha-256', 'scram-sha-512']).optional(),
  KAFKA_SASL_USERNAME: envString().optional(),
  KAFKA_SASL_PASSWORD: envString().optional(),
  KAFKA_TOPIC_PARTITIONS: envInt({ min: 1, max: 1_000 }).default(3),
  KAFKA_TOPIC_REPLICATION: envInt({ min: 1, max: 10 }).default(1),
  /**
   * The most bytes one message (record batch) may take: the producer refuses bigger ones, topics are
   * created with it as `max.message.bytes`, and infra/kafka gives it to the broker as
   * `message.max.bytes`. Raise all three together (a topic made earlier keeps its own setting).
   */
  KAFKA_MAX_MESSAGE_BYTES: envInt({ min: 65_536, max: 104_857_600 }).default(DEFAULT_MAX_MESSAGE_BYTES),
  /**
   * How long the group waits for a silent consumer before it gives its partitions to another: the
   * pause after a crash (SIGKILL) until the survivors take over. Shorter recovers faster; too short and
   * a busy consumer (a long GC, a slow handler that misses heartbeats) is thrown out of its group.
   */
  KAFKA_SESSION_TIMEOUT_MS: envInt({ min: 6_000, max: 300_000 }).default(30_000),
  /** How often a consumer tells the group it is alive; under a third of KAFKA_SESSION_TIMEOUT_MS. */
  KAFKA_HEARTBEAT_INTERVAL_MS: envInt({ min: 100, max: 100_000 }).default(3_000),
  /** Put before every topic name (`staging.` → `staging.aloe.patient-context.v1`); empty by default. */
  KAFKA_TOPIC_PREFIX: envString()
    .regex(/^[A-Za-z0-9._-]*$/, 'may hold only letters, digits, dots, underscores and hyphens')
    .default(''),
};

type KafkaEnv = z.output<z.ZodObject<typeof kafkaEnv>>;

/** The connection settings for createKafka, from the parsed variables. */
export function kafkaSettingsFrom(env: KafkaEnv, defaultClientId: string) {
  return {
    brokers: env.KAFKA_BROKERS,
    clientId: env.KAFKA_CLIENT_ID ?? defaultClientId,
    ssl: env.KAFKA_SSL,
    sasl:
      env.KAFKA_SASL_MECHANISM && env.KAFKA_SASL_USERNAME && env.KAFKA_SASL_PASSWORD
        ? {
            mechanism: env.KAFKA_SASL_MECHANISM,
            username: env.KAFKA_SASL_USERNAME,
            password: env.KAFKA_SASL_PASSWORD,
          }
        : undefined,
    topics: { numPartitions: env.KAFKA_TOPIC_PARTITIONS, replicationFactor: env.KAFKA_TOPIC_REPLICATION },
    maxMessageBytes: env.KAFKA_MAX_MESSAGE_BYTES,
    topicPrefix: env.KAFKA_TOPIC_PREFIX,
    consumer: {
      sessionTimeoutMs: env.KAFKA_SESSION_TIMEOUT_MS,
      heartbeatIntervalMs: env.KAFKA_HEARTBEAT_INTERVAL_MS,
    },
  };
}

/** A consumer must heartbeat at least three times per session, or one late beat costs it its partitions. */
export function checkKafkaHeartbeat(env: KafkaEnv, ctx: z.RefinementCtx): void {
  if (env.KAFKA_HEARTBEAT_INTERVAL_MS * 3 >= env.KAFKA_SESSION_TIMEOUT_MS)
    ctx.addIssue({
      code: 'custom',
      path: ['KAFKA_HEARTBEAT_INTERVAL_MS'],
      message: `must be less than a third of KAFKA_SESSION_TIMEOUT_MS (${env.KAFKA_SESSION_TIMEOUT_MS} ms), so under ${Math.ceil(env.KAFKA_SESSION_TIMEOUT_MS / 3)}`,
    });
}

/** SASL needs all three variables or none. */
export function checkKafkaSasl(env: KafkaEnv, ctx: z.RefinementCtx): void {
  const given = [env.KAFKA_SASL_MECHANISM, env.KAFKA_SASL_USERNAME, env.KAFKA_SASL_PASSWORD].filter(Boolean);
  if (given.length > 0 && given.length < 3) {
    for (const name of ['KAFKA_SASL_MECHANISM', 'KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD'] as const) {
      if (!env[name])
        ctx.addIssue({ code: 'custom', path: [name], message: 'is required when any KAFKA_SASL_* is set' });
    }
  }
}
