// infra/docker-compose.yml (and its GPU override) as Docker Compose would read them with the pilot's
// .env: the Compose Specification's schema, each Aloe service's environment against its config schema,
// dependencies and healthchecks, and the files it builds from or mounts.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import {
  type ComposeFile,
  type ComposeService,
  composeSchemaProblems,
  dependenciesOf,
  interpolateDocument,
  parseDotenv,
  readComposeFile,
  serviceEnvironment,
} from './compose.js';
import { COMPOSE_FILE, COMPOSE_GPU_FILE, PILOT_ENV_EXAMPLE } from './paths.js';
import { envProblems, isServiceName } from './service-env.js';

const secret = () => randomBytes(24).toString('hex');
/** infra/.env as an operator fills it in from the example (the signing key as one base64 line). */
const pilotEnv = (overrides: Record<string, string | undefined> = {}) => ({
  ...parseDotenv(readFileSync(PILOT_ENV_EXAMPLE, 'utf8')),
  POSTGRES_PASSWORD: secret(),
  GUARDRAILS_DB_PASSWORD: secret(),
  REDIS_PASSWORD: secret(),
  GUARDRAILS_AUDIT_SIGNING_KEY: generateKeyPairSync('ed25519')
    .privateKey.export({ format: 'der', type: 'pkcs8' })
    .toString('base64'),
  GUARDRAILS_COMPLIANCE_TOKENS: `${secret()},${secret()}`,
  FHIR_ADAPTER_PSEUDONYM_KEY: secret(),
  FHIR_ADAPTER_API_TOKEN: secret(),
  ...overrides,
});

const load = (path: string, env: Record<string, string | undefined>) =>
  interpolateDocument(readComposeFile(path), env) as ComposeFile;

/** The override's service settings over the base's, as `docker compose -f base -f override` merges them. */
function withOverride(base: ComposeFile, override: ComposeFile): ComposeFile {
  const services = { ...base.services };
  for (const [name, service] of Object.entries(override.services)) {
    const merged: ComposeService = { ...services[name], ...service };
    merged.environment = { ...serviceEnvironment(services[name] ?? {}), ...serviceEnvironment(service) };
    services[name] = merged;
  }
  return { ...base, services };
}

describe('infra/docker-compose.yml', () => {
  it('conforms to the Compose Specification, and so does its GPU override', () => {
    const env = pilotEnv();
    expect(composeSchemaProblems(load(COMPOSE_FILE, env))).toEqual([]);
    expect(composeSchemaProblems(load(COMPOSE_GPU_FILE, env))).toEqual([]);
  });

  it.each([
    ['the sandbox EHR', {}],
    ['HAPI FHIR', { COMPOSE_PROFILES: 'hapi', ALOE_FHIR_BASE_URL: 'http://hapi:8080/fhir' }],
    ['the test model (no ALOE_MODEL)', { ALOE_MODEL: '' }],
  ])('gives each service an environment its config schema accepts, with %s', (_, overrides) => {
    const compose = withOverride(
      load(COMPOSE_FILE, pilotEnv(overrides)),
      load(COMPOSE_GPU_FILE, pilotEnv(overrides)),
    );
    const checked = Object.entries(compose.services).filter(([name]) => isServiceName(name));
    for (const [name, service] of checked) {
      if (!isServiceName(name)) continue;
      expect({ [name]: envProblems(name, serviceEnvironment(service)) }).toEqual({ [name]: [] });
    }
    expect(checked.map(([name]) => name).sort()).toEqual(['fhir-adapter', 'guardrails', 'inference']);
    // The brokers the services dial are the ones the broker advertises.
    const advertised = serviceEnvironment(compose.services.kafka ?? {}).KAFKA_ADVERTISED_LISTENERS;
    for (const name of ['guardrails', 'fhir-adapter'])
      expect(`PLAINTEXT://${serviceEnvironment(compose.services[name] ?? {}).KAFKA_BROKERS}`).toBe(
        advertised,
      );
  });

  it('puts every service’s /metrics on the container’s address, for a Prometheus on the compose network', () => {
    const { services } = load(COMPOSE_FILE, pilotEnv());
    for (const [name, prefix] of [
      ['inference', 'INFERENCE'],
      ['guardrails', 'GUARDRAILS'],
      ['fhir-adapter', 'FHIR_ADAPTER'],
    ] as const) {
      const env = serviceEnvironment(services[name] ?? {});
      expect({ [name]: [env[`${prefix}_METRICS_HOST`], env[`${prefix}_METRICS_PORT`]] }).toEqual({
        [name]: ['0.0.0.0', expect.stringMatching(/^94\d\d$/)],
      });
    }
  });

  it('starts each service after what it needs is healthy, and checks the health of every service but HAPI', () => {
    const { services } = load(COMPOSE_FILE, pilotEnv());
    for (const [name, service] of Object.entries(services)) {
      for (const dependency of dependenciesOf(service)) {
        const target = services[dependency.name];
        expect({ [`${name} → ${dependency.name}`]: target !== undefined }).toEqual({
          [`${name} → ${dependency.name}`]: true,
        });
        if (dependency.condition === 'service_healthy') expect(target?.healthcheck?.test).toBeDefined();
        // A dependency in a profile is optional: the adapter runs with whichever EHR is on.
        if (target?.profiles) expect(dependency.required).toBe(false);
      }
      if (name !== 'hapi')
        expect({ [name]: service.healthcheck?.test !== undefined }).toEqual({ [name]: true });
    }
  });

  it('builds from Dockerfiles and mounts files that exist', () => {
    const composeDir = dirname(COMPOSE_FILE);
    const built: string[] = [];
    for (const path of [COMPOSE_FILE, COMPOSE_GPU_FILE]) {
      for (const service of Object.values(load(path, pilotEnv()).services)) {
        if (typeof service.build !== 'object') continue;
        // Compose resolves every file's relative paths from the first file's folder (infra/).
        const context = resolve(composeDir, service.build.context ?? '.');
        const dockerfile = join(context, service.build.dockerfile ?? 'Dockerfile');
        expect({ [dockerfile]: existsSync(dockerfile) }).toEqual({ [dockerfile]: true });
        built.push(dockerfile);
      }
    }
    expect(built.length).toBe(5);
    for (const service of Object.values(load(COMPOSE_FILE, pilotEnv()).services)) {
      for (const volume of service.volumes ?? []) {
        const source = typeof volume === 'string' ? volume.split(':')[0] : volume.source;
        if (source?.startsWith('.')) expect(existsSync(resolve(composeDir, source))).toBe(true);
      }
    }
  });

  it('refuses to start without a secret, naming the variable and where to set it', () => {
    expect(() => load(COMPOSE_FILE, pilotEnv({ GUARDRAILS_AUDIT_SIGNING_KEY: '' }))).toThrow(
      'GUARDRAILS_AUDIT_SIGNING_KEY: set GUARDRAILS_AUDIT_SIGNING_KEY in infra/.env (openssl genpkey -algorithm ed25519)',
    );
    expect(() => load(COMPOSE_FILE, pilotEnv({ POSTGRES_PASSWORD: undefined }))).toThrow(
      'POSTGRES_PASSWORD: set POSTGRES_PASSWORD in infra/.env',
    );
  });

  it('rejects a Compose file broken on purpose, and an environment a service would not start with', () => {
    const compose = load(COMPOSE_FILE, pilotEnv());
    const broken = structuredClone(compose);
    const guardrails = broken.services.guardrails as ComposeService & Record<string, unknown>;
    (guardrails.depends_on as Record<string, { condition: string }>).kafka = { condition: 'service_happy' };
    (guardrails.healthcheck as Record<string, unknown>).intervall = '15s';
    guardrails.restart = 'sometimes';
    const problems = composeSchemaProblems(broken).join('\n');
    expect(problems).toMatch(
      /\/services\/guardrails\/depends_on\/kafka\/condition: must be equal to one of the allowed values/,
    );
    expect(problems).toMatch(
      /\/services\/guardrails\/healthcheck: must NOT have additional properties \(intervall\)/,
    );

    const env = serviceEnvironment(compose.services.guardrails ?? {});
    expect(
      envProblems('guardrails', {
        ...env,
        GUARDRAILS_AUDIT_SIGNING_KEY: 'not a key',
        GUARDRAILS_INFERENCE_ADDR: 'x',
      }),
    ).toEqual([
      'GUARDRAILS_INFERENCE_ADDR: the guardrails service reads no such variable (packages/shared/src/config)',
      expect.stringMatching(/^GUARDRAILS_AUDIT_SIGNING_KEY: must be an Ed25519 private key/),
    ]);
  });
});
