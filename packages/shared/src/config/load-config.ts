import type { z } from 'zod';
import { ConfigError } from '../errors/app-error.js';

const SECRET_NAME = /(PASSWORD|SECRET|TOKEN|PRIVATE_KEY|_KEY$|KEY_PEM)/i;

/**
 * Parses a service's configuration from environment variables. The schema's keys are the variable
 * names, so every problem names the variable to fix; all problems are reported at once. The result
 * is frozen: main.ts reads it once and passes slices down (no global getConfig()).
 */
export function loadConfig<S extends z.ZodType>(
  schema: S,
  env: Readonly<Record<string, string | undefined>>,
): Readonly<z.output<S>> {
  // An empty variable (`FOO=`) means "not set", so its default applies.
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''),
  );
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = issue.path.map(String).join('.') || '(environment)';
      const raw = typeof issue.path[0] === 'string' ? env[issue.path[0]] : undefined;
      const shown =
        raw === undefined
          ? 'not set'
          : SECRET_NAME.test(name)
            ? 'got a value (hidden)'
            : `got "${raw.slice(0, 80)}"`;
      return `${name}: ${issue.message} (${shown})`;
    });
    throw new ConfigError(problems);
  }
  return deepFreeze(parsed.data);
}

/** A copy safe to log at start-up: values under secret-looking keys, and URLs' credentials, are masked. */
export function maskSecrets(config: unknown): unknown {
  if (typeof config === 'string') return config.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/i, '$1***@');
  if (Array.isArray(config)) return config.map(maskSecrets);
  if (config !== null && typeof config === 'object') {
    return Object.fromEntries(
      Object.entries(config).map(([key, value]) => [
        key,
        /(password|secret|token|privateKey|pseudonymKey|apiKey)/i.test(key) && value !== undefined
          ? '***'
          : maskSecrets(value),
      ]),
    );
  }
  return config;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
