// The chart rendered by the real Helm (helm-java through infra/deploy-check/helm/helm.sh).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { PACKAGE_DIR } from './paths.js';

const SCRIPT = join(PACKAGE_DIR, 'helm/helm.sh');

/** The Kubernetes version the chart is rendered for: that of the schemas it is validated against. */
export const KUBERNETES_VERSION = '1.36.0';

export type HelmReadiness = { ready: true; version: string } | { ready: false; why: string };

/**
 * Fetches helm-java from Maven Central when it is not there yet (the first run, ~10 s), then says
 * which Helm it runs; or why it cannot (no JDK, no Maven, Maven Central out of reach, not linux/amd64).
 */
export function prepareHelm(): HelmReadiness {
  const fetched = spawnSync('bash', [SCRIPT, 'fetch'], { encoding: 'utf8' });
  if (fetched.status !== 0) return { ready: false, why: lastLine(fetched.stderr) || 'helm.sh fetch failed' };
  const version = spawnSync('bash', [SCRIPT, 'version'], { encoding: 'utf8' });
  if (version.status !== 0)
    return { ready: false, why: lastLine(version.stderr) || 'helm.sh version failed' };
  return { ready: true, version: version.stdout.trim() };
}

export type Rendered = { ok: true; manifests: string } | { ok: false; error: string };

/** `helm template <chart>` with these values files (later ones win), as Helm prints it. */
export function helmTemplate(
  chartDir: string,
  valuesFiles: readonly string[],
  options: { release?: string; namespace?: string } = {},
): Rendered {
  const result = spawnSync(
    'bash',
    [
      SCRIPT,
      'template',
      chartDir,
      options.release ?? 'aloe',
      options.namespace ?? 'aloe',
      KUBERNETES_VERSION,
      ...valuesFiles,
    ],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  return result.status === 0
    ? { ok: true, manifests: result.stdout }
    : { ok: false, error: result.stderr.trim() || `helm template exited with ${result.status}` };
}

function lastLine(text: string): string {
  return (
    text
      .trim()
      .split('\n')
      .at(-1)
      ?.replace(/^helm: /, '') ?? ''
  );
}
