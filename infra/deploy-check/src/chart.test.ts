// The Helm chart (infra/helm/aloe) rendered by the real Helm, every manifest validated against the
// Kubernetes schemas (unknown fields included), every service's environment against its config
// schema, and the chart's own refusals. Skipped, saying why, where helm-java cannot be fetched.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { stringify } from 'yaml';
import { helmTemplate, KUBERNETES_VERSION, prepareHelm } from './helm.js';
import { isManifest, KUBERNETES_SCHEMA, type Manifest, manifestProblems } from './kubernetes-schema.js';
import { CHART_DIR } from './paths.js';
import { containersOf, type ExternalSecrets, resolveContainerEnv } from './pod-env.js';
import { envProblems, isServiceName } from './service-env.js';
import { parseYamlDocuments } from './yaml-documents.js';

const helm = prepareHelm();
if (!helm.ready) console.warn(`Helm chart tests skipped: ${helm.why}`);

const ed25519Pem = () =>
  generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
const ed25519PublicPem = () =>
  generateKeyPairSync('ed25519').publicKey.export({ format: 'pem', type: 'spki' }).toString();
const token = () => randomBytes(24).toString('hex');

/** What an operator's own Secrets hold in the production example (docs/deployment.md lists the keys). */
const productionSecrets = (): ExternalSecrets => ({
  'aloe-guardrails': {
    GUARDRAILS_AUDIT_DATABASE_URL: `postgres://guardrails:${token()}@audit-db.aloe-data.svc:5432/aloe_audit`,
    GUARDRAILS_AUDIT_OWNER_DATABASE_URL: `postgres://aloe_dba:${token()}@audit-db.aloe-data.svc:5432/aloe_audit`,
    GUARDRAILS_AUDIT_SIGNING_KEY: ed25519Pem(),
    GUARDRAILS_AUDIT_TRUSTED_PUBLIC_KEYS: ed25519PublicPem(),
    GUARDRAILS_COMPLIANCE_TOKENS: `${token()},${token()}`,
  },
  'aloe-fhir-adapter': {
    FHIR_ADAPTER_PSEUDONYM_KEY: token(),
    FHIR_ADAPTER_API_TOKEN: token(),
    FHIR_ADAPTER_CARD_STORE_URL: `rediss://:${token()}@redis.aloe-data.svc:6380`,
    FHIR_ADAPTER_SMART_PRIVATE_KEY: generateKeyPairSync('ec', { namedCurve: 'P-384' })
      .privateKey.export({ format: 'pem', type: 'pkcs8' })
      .toString(),
  },
  'aloe-kafka-credentials': { password: token() },
});

/** The pilot's Secret values, as the operator's uncommitted values file gives them. */
const pilotSecretValues = () => ({
  guardrails: {
    secret: {
      values: {
        GUARDRAILS_AUDIT_DATABASE_URL: `postgres://guardrails:${token()}@audit-db:5432/aloe_audit`,
        GUARDRAILS_AUDIT_SIGNING_KEY: ed25519Pem(),
        GUARDRAILS_COMPLIANCE_TOKENS: token(),
      },
    },
  },
  fhirAdapter: {
    secret: {
      values: {
        FHIR_ADAPTER_PSEUDONYM_KEY: token(),
        FHIR_ADAPTER_API_TOKEN: token(),
        FHIR_ADAPTER_CARD_STORE_URL: `redis://:${token()}@redis:6379`,
      },
    },
  },
});

let work = '';
const valuesFile = (name: string, values: unknown) => {
  const path = join(work, `${name}.yaml`);
  writeFileSync(path, stringify(values));
  return path;
};

function render(valuesFiles: string[], chartDir = CHART_DIR): Manifest[] {
  const rendered = helmTemplate(chartDir, valuesFiles);
  if (!rendered.ok) throw new Error(rendered.error);
  const documents = parseYamlDocuments(rendered.manifests, 'helm template');
  const notManifests = documents.filter((document) => !isManifest(document));
  if (notManifests.length > 0)
    throw new Error(`helm rendered ${notManifests.length} documents without apiVersion/kind`);
  return documents as Manifest[];
}

function renderError(valuesFiles: string[], chartDir = CHART_DIR): string {
  const rendered = helmTemplate(chartDir, valuesFiles);
  if (rendered.ok) throw new Error('the chart rendered, but should have refused these values');
  return rendered.error;
}

const byKind = (manifests: Manifest[], kind: string) =>
  manifests.filter((manifest) => manifest.kind === kind);
type PodSpec = { containers: Record<string, unknown>[]; [field: string]: unknown };
const podSpecOf = (deployment: Manifest) =>
  (deployment.spec as { template: { spec: PodSpec } }).template.spec;
const podLabelsOf = (deployment: Manifest) =>
  (deployment.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata
    .labels;
const selects = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.entries(selector).every(([key, value]) => labels[key] === value);

(helm.ready ? describe : describe.skip)(
  `the Helm chart, rendered by Helm ${helm.ready ? helm.version : ''} for Kubernetes ${KUBERNETES_VERSION}${helm.ready ? '' : ` (skipped: ${helm.why})`}`,
  () => {
    const scenarios: { name: string; manifests: Manifest[]; external: ExternalSecrets }[] = [];

    beforeAll(() => {
      work = mkdtempSync(join(tmpdir(), 'aloe-deploy-check-'));
      scenarios.push(
        {
          name: 'pilot',
          manifests: render([
            join(CHART_DIR, 'ci/pilot-values.yaml'),
            valuesFile('pilot-secrets', pilotSecretValues()),
          ]),
          external: {},
        },
        {
          name: 'production',
          manifests: render([join(CHART_DIR, 'ci/production-values.yaml')]),
          external: productionSecrets(),
        },
      );
    });
    afterAll(() => rmSync(work, { recursive: true, force: true }));

    it(`renders manifests that are all valid against the Kubernetes ${KUBERNETES_SCHEMA} schemas, field names included`, async () => {
      let validated = 0;
      for (const scenario of scenarios) {
        expect({ [scenario.name]: await manifestProblems(scenario.manifests) }).toEqual({
          [scenario.name]: {},
        });
        validated += scenario.manifests.length;
      }
      console.info(
        `deploy-check: ${validated} manifests validated (${scenarios.map((scenario) => `${scenario.name} ${scenario.manifests.length}`).join(', ')})`,
      );
      expect(validated).toBeGreaterThanOrEqual(30);
    });

    it('gives every service container an environment its config schema accepts, and only variables it reads', () => {
      for (const scenario of scenarios) {
        const checked: string[] = [];
        for (const deployment of byKind(scenario.manifests, 'Deployment')) {
          for (const container of containersOf(deployment)) {
            if (!isServiceName(container.name)) throw new Error(`an unexpected container: ${container.name}`);
            const { env, problems } = resolveContainerEnv(container, scenario.manifests, scenario.external);
            expect({
              [`${scenario.name} ${container.name}`]: [...problems, ...envProblems(container.name, env)],
            }).toEqual({ [`${scenario.name} ${container.name}`]: [] });
            checked.push(container.name);
          }
        }
        expect(checked.sort()).toEqual(['fhir-adapter', 'guardrails', 'inference']);
      }
    });

    it('wires Services, PodDisruptionBudgets, autoscalers and volumes to what exists', () => {
      for (const { name, manifests } of scenarios) {
        const deployments = byKind(manifests, 'Deployment');
        const podLabels = deployments.map(podLabelsOf);
        for (const service of byKind(manifests, 'Service')) {
          const selector = (service.spec as { selector: Record<string, string> }).selector;
          expect({
            [`${name} ${service.metadata?.name}`]: podLabels.filter((labels) => selects(selector, labels))
              .length,
          }).toEqual({
            [`${name} ${service.metadata?.name}`]: 1,
          });
        }
        for (const budget of byKind(manifests, 'PodDisruptionBudget')) {
          const selector = (budget.spec as { selector: { matchLabels: Record<string, string> } }).selector
            .matchLabels;
          expect(podLabels.filter((labels) => selects(selector, labels))).toHaveLength(1);
        }
        for (const autoscaler of byKind(manifests, 'HorizontalPodAutoscaler')) {
          const target = (autoscaler.spec as { scaleTargetRef: { kind: string; name: string } })
            .scaleTargetRef;
          const deployment = deployments.find((item) => item.metadata?.name === target.name);
          expect(deployment).toBeDefined();
          // The autoscaler owns the replica count: a fixed one would fight it at every apply.
          expect((deployment?.spec as { replicas?: number } | undefined)?.replicas).toBeUndefined();
        }
        for (const deployment of deployments) {
          const spec = podSpecOf(deployment);
          for (const volume of (spec.volumes ?? []) as { persistentVolumeClaim?: { claimName: string } }[]) {
            const claim = volume.persistentVolumeClaim?.claimName;
            if (claim && name === 'pilot')
              expect(byKind(manifests, 'PersistentVolumeClaim').map((pvc) => pvc.metadata?.name)).toContain(
                claim,
              );
          }
          expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
        }
      }
    });

    it('runs inference on GPUs with its model volume and native gRPC probes on grpc.health.v1', () => {
      for (const { name, manifests, external } of scenarios) {
        const inference = byKind(manifests, 'Deployment').find(
          (item) => item.metadata?.name === 'aloe-inference',
        );
        const spec = podSpecOf(inference as Manifest);
        const container = spec.containers[0] as Record<string, Record<string, unknown>>;
        const gpus = name === 'production' ? 2 : 1;
        expect(container.resources?.limits).toMatchObject({ 'nvidia.com/gpu': gpus });
        expect(spec.tolerations).toContainEqual({
          key: 'nvidia.com/gpu',
          operator: 'Exists',
          effect: 'NoSchedule',
        });
        expect(spec.nodeSelector).toBeDefined();
        expect(container.volumeMounts).toContainEqual({ name: 'models', mountPath: '/models' });
        // The kubelet's grpc probes speak no TLS: over TLS (production) they ask the plain-text health port.
        const { env } = resolveContainerEnv(container as never, manifests, external);
        const probePort = name === 'production' ? 50052 : 50051;
        expect(env.INFERENCE_HEALTH_PORT).toBe(name === 'production' ? '50052' : undefined);
        expect(container.startupProbe?.grpc).toEqual({ port: probePort });
        expect(container.readinessProbe?.grpc).toEqual({
          port: probePort,
          service: 'aloe.inference.v1.Inference',
        });
        expect(container.livenessProbe?.grpc).toEqual({ port: probePort });
        expect((inference?.spec as { strategy?: { type: string } } | undefined)?.strategy?.type).toBe(
          'Recreate',
        );
      }
    });

    it('mounts every file a service variable names, over gRPC TLS from the Secret tls.grpc names', () => {
      type Mounted = { name: string; mountPath: string };
      type Volume = { name: string; secret?: { secretName: string } };
      const tlsSecrets: Record<string, Record<string, string>> = {};
      for (const { name, manifests, external } of scenarios) {
        for (const deployment of byKind(manifests, 'Deployment')) {
          const spec = podSpecOf(deployment);
          const container = spec.containers[0] as { name: string; volumeMounts?: Mounted[] };
          const { env } = resolveContainerEnv(container as never, manifests, external);
          for (const [variable, path] of Object.entries(env).filter(([key]) => key.endsWith('_FILE'))) {
            const mount = container.volumeMounts?.find((item) => path.startsWith(`${item.mountPath}/`));
            const volume = (spec.volumes as Volume[] | undefined)?.find((item) => item.name === mount?.name);
            expect({ [`${name} ${variable}`]: volume?.secret?.secretName !== undefined }).toEqual({
              [`${name} ${variable}`]: true,
            });
            // The keys of a kubernetes.io/tls Secret, as cert-manager writes it.
            expect(['tls.crt', 'tls.key', 'ca.crt']).toContain(path.slice(path.lastIndexOf('/') + 1));
            const label = `${name} ${container.name}`;
            tlsSecrets[label] = { ...tlsSecrets[label], [variable]: volume?.secret?.secretName ?? '' };
          }
        }
      }
      // The pilot talks plain text; production mutual TLS, each side with its own Secret.
      expect(tlsSecrets).toEqual({
        'production inference': {
          INFERENCE_GRPC_TLS_CERT_FILE: 'aloe-inference-grpc-tls',
          INFERENCE_GRPC_TLS_KEY_FILE: 'aloe-inference-grpc-tls',
          INFERENCE_GRPC_TLS_CLIENT_CA_FILE: 'aloe-inference-grpc-tls',
        },
        'production guardrails': {
          GUARDRAILS_INFERENCE_TLS_CA_FILE: 'aloe-guardrails-grpc-tls',
          GUARDRAILS_INFERENCE_TLS_CERT_FILE: 'aloe-guardrails-grpc-tls',
          GUARDRAILS_INFERENCE_TLS_KEY_FILE: 'aloe-guardrails-grpc-tls',
        },
      });
    });

    it('serves every service’s /metrics on the pod’s address, on a port named metrics of pod and Service', () => {
      for (const { name, manifests, external } of scenarios) {
        for (const deployment of byKind(manifests, 'Deployment')) {
          const container = podSpecOf(deployment).containers[0] as {
            name: string;
            ports: { name: string; containerPort: number }[];
          };
          const { env } = resolveContainerEnv(container as never, manifests, external);
          const prefix = container.name.toUpperCase().replace('-', '_');
          const label = `${name} ${container.name}`;
          expect({ [label]: env[`${prefix}_METRICS_HOST`] }).toEqual({ [label]: '0.0.0.0' });
          const port = Number(env[`${prefix}_METRICS_PORT`]);
          expect(container.ports).toContainEqual({ name: 'metrics', containerPort: port, protocol: 'TCP' });
          const annotations = (
            deployment.spec as { template: { metadata: { annotations: Record<string, string> } } }
          ).template.metadata.annotations;
          expect(annotations).toMatchObject({
            'prometheus.io/scrape': 'true',
            'prometheus.io/port': String(port),
            'prometheus.io/path': '/metrics',
          });
          const service = byKind(manifests, 'Service').find(
            (item) => item.metadata?.name === deployment.metadata?.name,
          );
          expect((service?.spec as { ports: unknown[] } | undefined)?.ports).toContainEqual({
            name: 'metrics',
            port,
            targetPort: 'metrics',
            protocol: 'TCP',
          });
        }
      }
    });

    it('refuses values that would deploy something broken, naming what to fix', () => {
      const pilot = join(CHART_DIR, 'ci/pilot-values.yaml');
      const secrets = valuesFile('secrets', pilotSecretValues());
      expect(renderError([pilot])).toMatch(
        /guardrails\.secret\.values\.GUARDRAILS_AUDIT_DATABASE_URL is required/,
      );
      expect(renderError([pilot, secrets, valuesFile('replicas', { guardrails: { replicas: 7 } })])).toMatch(
        /guardrails: 7 replicas but 6 partitions/,
      );
      expect(
        renderError([
          pilot,
          secrets,
          valuesFile('no-redis', {
            fhirAdapter: { secret: { values: { FHIR_ADAPTER_CARD_STORE_URL: '' } } },
          }),
        ]),
      ).toMatch(/more than one replica needs fhirAdapter\.secret\.values\.FHIR_ADAPTER_CARD_STORE_URL/);
      // values.schema.json: a secret in the ConfigMap's variables, a port out of range.
      const schemaError = renderError([
        pilot,
        secrets,
        valuesFile('bad-values', {
          guardrails: { env: { GUARDRAILS_AUDIT_SIGNING_KEY: 'in a ConfigMap' } },
          inference: { grpcPort: 70000 },
        }),
      ]);
      expect(schemaError).toMatch(/invalid propertyName 'GUARDRAILS_AUDIT_SIGNING_KEY'/);
      expect(schemaError).toMatch(/\/inference\/grpcPort/);
      expect(renderError([valuesFile('no-brokers', pilotSecretValues())])).toMatch(/kafka\.brokers/);
      expect(
        renderError([pilot, secrets, valuesFile('tls-no-secret', { tls: { grpc: { enabled: true } } })]),
      ).toMatch(/tls\.grpc\.serverSecret: name the Secret with inference's certificate/);
      expect(
        renderError([
          pilot,
          secrets,
          valuesFile('tls-no-client-secret', {
            tls: { grpc: { enabled: true, serverSecret: 'inference-tls' } },
          }),
        ]),
      ).toMatch(/tls\.grpc\.clientSecret: name the guardrails' Secret/);
    });

    it('rejects a manifest broken on purpose: an unknown field, a wrong type, a missing field, an unknown kind', async () => {
      const deployment = structuredClone(
        byKind(scenarios[0]?.manifests ?? [], 'Deployment').find(
          (item) => item.metadata?.name === 'aloe-guardrails',
        ),
      ) as Manifest;
      const container = podSpecOf(deployment).containers[0] as Record<string, unknown>;
      container.readinesProbe = container.readinessProbe;
      const wrongType = structuredClone(deployment);
      (podSpecOf(wrongType).containers[0] as { ports: { containerPort: unknown }[] })
        .ports[0]!.containerPort = '8082';
      const unknownKind = { ...structuredClone(deployment), kind: 'Deploymnet' };
      const problems = await manifestProblems([deployment, wrongType, unknownKind]);
      expect(problems['Deployment/aloe-guardrails']?.join('\n')).toMatch(
        /'"?readinesProbe"?' does not exist/,
      );
      expect(problems['Deployment/aloe-guardrails']?.join('\n')).toMatch(/containerPort must be integer/);
      expect(problems['Deploymnet/aloe-guardrails']).toEqual([
        expect.stringMatching(/no Kubernetes .* schema/),
      ]);

      // The whole path: a template that renders a Service without its port is rendered by Helm, then refused.
      const chart = join(work, 'chart');
      cpSync(CHART_DIR, chart, { recursive: true });
      writeFileSync(
        join(chart, 'templates/broken.yaml'),
        'apiVersion: v1\nkind: Service\nmetadata:\n  name: broken\nspec:\n  ports:\n    - name: http\n',
      );
      const broken = render(
        [join(CHART_DIR, 'ci/pilot-values.yaml'), valuesFile('secrets-2', pilotSecretValues())],
        chart,
      );
      expect(await manifestProblems(broken)).toEqual({
        'Service/broken': [
          expect.stringMatching(/must have required property port/),
          expect.stringMatching(/'"?port"?' is missing/),
        ],
      });
    });

    it('rejects an environment a service would not start with, or would not read', () => {
      const manifests = structuredClone(scenarios[0]?.manifests ?? []);
      const config = manifests.find(
        (item) => item.kind === 'ConfigMap' && item.metadata?.name === 'aloe-guardrails',
      );
      Object.assign(config?.data as Record<string, string>, {
        GUARDRAILS_INFERENCE_ADRESS: 'aloe-inference:50051',
        GUARDRAILS_INFERENCE_DEADLINE_MS: 'soon',
      });
      const deployment = byKind(manifests, 'Deployment').find(
        (item) => item.metadata?.name === 'aloe-guardrails',
      );
      const [container] = containersOf(deployment as Manifest);
      const { env } = resolveContainerEnv(container!, manifests);
      expect(envProblems('guardrails', env)).toEqual([
        'GUARDRAILS_INFERENCE_ADRESS: the guardrails service reads no such variable (packages/shared/src/config)',
        'GUARDRAILS_INFERENCE_DEADLINE_MS: must be a whole number (got "soon")',
      ]);
    });
  },
);
