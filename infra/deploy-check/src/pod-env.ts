// The environment a rendered Deployment's container gets: its envFrom ConfigMaps and Secrets, then its
// own env entries, resolved against the other rendered manifests (and Secrets the operator provides).
import type { Manifest } from './kubernetes-schema.js';

interface EnvSource {
  configMapRef?: { name: string };
  secretRef?: { name: string };
}
interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    secretKeyRef?: { name: string; key: string };
    configMapKeyRef?: { name: string; key: string };
  };
}
export interface Container {
  name: string;
  envFrom?: EnvSource[];
  env?: EnvVar[];
}

/** Secrets made outside the chart (existingSecret), by name: their keys and values. */
export type ExternalSecrets = Readonly<Record<string, Readonly<Record<string, string>>>>;

export function containersOf(deployment: Manifest): Container[] {
  const spec = deployment.spec as { template?: { spec?: { containers?: Container[] } } } | undefined;
  return spec?.template?.spec?.containers ?? [];
}

export function resolveContainerEnv(
  container: Container,
  manifests: readonly Manifest[],
  externalSecrets: ExternalSecrets = {},
): { env: Record<string, string>; problems: string[] } {
  const problems: string[] = [];
  const find = (kind: string, name: string) =>
    manifests.find((manifest) => manifest.kind === kind && manifest.metadata?.name === name);
  const configMap = (name: string) => {
    const found = find('ConfigMap', name);
    if (!found) problems.push(`ConfigMap ${name} is not rendered`);
    return (found?.data ?? {}) as Record<string, string>;
  };
  const secret = (name: string) => {
    const found = find('Secret', name);
    if (found) {
      const encoded = Object.entries((found.data ?? {}) as Record<string, string>).map(([key, value]) => [
        key,
        Buffer.from(value, 'base64').toString('utf8'),
      ]);
      return { ...Object.fromEntries(encoded), ...((found.stringData ?? {}) as Record<string, string>) };
    }
    const external = externalSecrets[name];
    if (!external) problems.push(`Secret ${name} is neither rendered nor provided by the operator`);
    return external ?? {};
  };
  const env: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    if (source.configMapRef) Object.assign(env, configMap(source.configMapRef.name));
    if (source.secretRef) Object.assign(env, secret(source.secretRef.name));
  }
  for (const variable of container.env ?? []) {
    const { secretKeyRef, configMapKeyRef } = variable.valueFrom ?? {};
    const value = secretKeyRef
      ? secret(secretKeyRef.name)[secretKeyRef.key]
      : configMapKeyRef
        ? configMap(configMapKeyRef.name)[configMapKeyRef.key]
        : variable.value;
    if (value === undefined) problems.push(`${variable.name}: its value or reference resolves to nothing`);
    else env[variable.name] = value;
  }
  return { env, problems };
}
