// A Compose file read as Docker Compose reads it: YAML (with merge keys), `${VAR}` interpolation from
// the environment and .env, then the Compose Specification's JSON schema.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import { parseYamlDocuments } from './yaml-documents.js';

export interface ComposeService {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  environment?: Record<string, string | number | boolean | null> | string[];
  depends_on?: string[] | Record<string, { condition?: string; required?: boolean }>;
  healthcheck?: { test?: string | string[]; disable?: boolean };
  profiles?: string[];
  volumes?: (string | { type?: string; source?: string; target?: string })[];
}
export interface ComposeFile {
  services: Record<string, ComposeService>;
  [key: string]: unknown;
}

export function readComposeFile(path: string): unknown {
  const [document, ...rest] = parseYamlDocuments(readFileSync(path, 'utf8'), path);
  if (rest.length > 0)
    throw new Error(`${path}: a Compose file holds one YAML document, not ${rest.length + 1}`);
  return document;
}

/**
 * The Compose Specification's schema, as dclint (the Compose linter) ships it. It is draft-07, ajv's
 * default; its `$schema` spells the draft's URI in a form ajv does not know, so it is left out.
 */
function composeSchema(): object {
  const dclint = createRequire(import.meta.url).resolve('dclint/package.json');
  const { $schema: _, ...schema } = JSON.parse(
    readFileSync(join(dirname(dclint), 'schemas/compose.schema.json'), 'utf8'),
  ) as Record<string, unknown>;
  return schema;
}

let validateCompose: ReturnType<Ajv['compile']> | undefined;

/** Where the file breaks the Compose Specification; empty when it conforms. */
export function composeSchemaProblems(document: unknown): string[] {
  validateCompose ??= new Ajv({ allErrors: true, strict: false }).compile(composeSchema());
  if (validateCompose(document)) return [];
  return (validateCompose.errors ?? []).map(describeError);
}

function describeError(error: ErrorObject): string {
  const where = error.instancePath || '(top level)';
  const extra =
    error.keyword === 'additionalProperties'
      ? ` (${(error.params as { additionalProperty: string }).additionalProperty})`
      : error.keyword === 'enum'
        ? ` (${(error.params as { allowedValues: unknown[] }).allowedValues.join(', ')})`
        : '';
  return `${where}: ${error.message}${extra}`;
}

const REFERENCE = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

/**
 * Compose's interpolation of one string: `$$` is a `$`; `${VAR}` and `$VAR` the value or empty;
 * `${VAR:-default}` (unset or empty) and `${VAR-default}` (unset); `${VAR:?message}` and
 * `${VAR?message}` throw the message when the variable is missing.
 */
export function interpolate(text: string, env: Readonly<Record<string, string | undefined>>): string {
  return text.replace(
    REFERENCE,
    (match, braced?: string, operator?: string, argument = '', bare?: string) => {
      if (match === '$$') return '$';
      const name = (braced ?? bare) as string;
      const value = env[name];
      const missing = operator?.startsWith(':') ? value === undefined || value === '' : value === undefined;
      if (operator?.endsWith('-')) return missing ? argument : (value as string);
      if (operator?.endsWith('?') && missing) throw new Error(`${name}: ${argument || 'required'}`);
      return value ?? '';
    },
  );
}

/** Every string in the document interpolated (keys are left as written, as Compose does). */
export function interpolateDocument(
  value: unknown,
  env: Readonly<Record<string, string | undefined>>,
): unknown {
  if (typeof value === 'string') return interpolate(value, env);
  if (Array.isArray(value)) return value.map((item) => interpolateDocument(item, env));
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, interpolateDocument(item, env)]),
    );
  return value;
}

/** A service's environment as the container gets it (a map or `NAME=value` list; null means unset). */
export function serviceEnvironment(service: ComposeService): Record<string, string> {
  const environment = service.environment ?? {};
  const entries = Array.isArray(environment)
    ? environment.map((item) => {
        const at = item.indexOf('=');
        return at < 0 ? [item, null] : [item.slice(0, at), item.slice(at + 1)];
      })
    : Object.entries(environment);
  return Object.fromEntries(
    entries
      .filter(
        (entry): entry is [string, string | number | boolean] => entry[1] !== null && entry[1] !== undefined,
      )
      .map(([name, value]) => [name, String(value)]),
  );
}

/** A .env file as Compose reads it: NAME=value lines; # comments and blank lines skipped. */
export function parseDotenv(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#')) continue;
    const at = trimmed.indexOf('=');
    if (at < 1) throw new Error(`not a NAME=value line: ${trimmed}`);
    env[trimmed.slice(0, at).trim()] = trimmed
      .slice(at + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1');
  }
  return env;
}

/** The services a service waits for, with the condition. */
export function dependenciesOf(
  service: ComposeService,
): { name: string; condition: string; required: boolean }[] {
  const dependsOn = service.depends_on ?? [];
  return Array.isArray(dependsOn)
    ? dependsOn.map((name) => ({ name, condition: 'service_started', required: true }))
    : Object.entries(dependsOn).map(([name, rule]) => ({
        name,
        condition: rule.condition ?? 'service_started',
        required: rule.required ?? true,
      }));
}
