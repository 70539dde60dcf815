// A service's environment, as a deployment file sets it, checked by the service's own config schema
// (packages/shared/src/config): every variable must be one the service reads, and the whole must
// pass its start-up validation.
import { FhirAdapterConfig, GuardrailsConfig, InferenceConfig, loadConfig } from '@aloe/shared/config';
import { ConfigError } from '@aloe/shared/errors';

export const SERVICE_SCHEMAS = {
  inference: InferenceConfig,
  guardrails: GuardrailsConfig,
  'fhir-adapter': FhirAdapterConfig,
} as const;
export type ServiceName = keyof typeof SERVICE_SCHEMAS;

export function isServiceName(name: string): name is ServiceName {
  return Object.hasOwn(SERVICE_SCHEMAS, name);
}

/** Variables Node.js itself reads, which a deployment may set beside the services' own. */
export const NODE_VARIABLES: ReadonlySet<string> = new Set([
  'NODE_ENV',
  'NODE_EXTRA_CA_CERTS',
  'NODE_OPTIONS',
]);

/** The variable names a service's schema reads. */
export function variablesOf(service: ServiceName): Set<string> {
  return new Set(Object.keys(SERVICE_SCHEMAS[service].in.shape));
}

/** What is wrong with this environment for that service; empty when the service would start with it. */
export function envProblems(service: ServiceName, env: Readonly<Record<string, string>>): string[] {
  const known = variablesOf(service);
  const problems = Object.keys(env)
    .filter((name) => !known.has(name) && !NODE_VARIABLES.has(name))
    .map((name) => `${name}: the ${service} service reads no such variable (packages/shared/src/config)`);
  try {
    loadConfig(SERVICE_SCHEMAS[service], env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }
  return problems;
}
