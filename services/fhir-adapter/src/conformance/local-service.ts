import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSandboxEhr, FHIR_BASE_PATH } from '@aloe/sandbox-ehr';
import { createLogger } from '@aloe/shared/logging';
import { createApp } from '../app.js';
import { MemoryCardStore } from '../cards/card-store.js';
import { pseudonymize } from '../context/pseudonymize.js';
import { createFhirClient } from '../ehr/fhir-client.js';
import { type CaptureDeps, captureContext, contextFromPrefetch } from '../flows/capture-context.js';

const KEY = 'conformance-pseudonym-key-32-characters';

const listen = (app: { listen: (port: number, host: string, callback: () => void) => Server }) =>
  new Promise<Server>((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => resolve(server));
  });

/**
 * The fhir-adapter's CDS Hooks service as the conformance runner meets it when no URL is given: the real
 * app over HTTP on 127.0.0.1, in development mode (no EHR JWT), reading from an empty sandbox EHR (the
 * scenarios' resources come as prefetch), with AI analyses not started (no Kafka).
 */
export async function startLocalService(): Promise<{ url: string; close: () => Promise<void> }> {
  const ehr = await listen(createSandboxEhr().app);
  const fhirBase = `http://127.0.0.1:${(ehr.address() as AddressInfo).port}${FHIR_BASE_PATH}`;
  const client = createFhirClient({ baseUrl: fhirBase });
  const capture: CaptureDeps = {
    client: async () => client,
    fhirBase,
    pseudonymKey: KEY,
    now: () => new Date(),
    newId: randomUUID,
    read: { observationWindowDays: 365, observationLimit: 200, includeNotes: false },
  };
  const adapter = await listen(
    createApp({
      publicBaseUrl: 'http://127.0.0.1',
      verifyEhrJwt: undefined,
      allowUnauthenticated: true,
      fhirServers: [],
      cards: new MemoryCardStore(),
      sidebarLaunchUrl: undefined,
      pseudonymOf: (patientId) => pseudonymize(KEY, fhirBase, patientId),
      captureChart: (request) => captureContext(capture, request),
      chartFromPrefetch: (request) => contextFromPrefetch(capture, request),
      publishContext: async () => undefined,
      audit: async () => undefined,
      requestAnalysis: async () => ({ contextId: randomUUID() }),
      publishFeedback: async () => undefined,
      apiToken: undefined,
      logger: createLogger({ service: 'fhir-adapter-conformance', level: 'warn' }),
      newId: randomUUID,
      now: () => new Date(),
      ready: async () => true,
    }),
  );
  return {
    url: `http://127.0.0.1:${(adapter.address() as AddressInfo).port}`,
    close: async () => {
      await Promise.all([adapter, ehr].map((server) => new Promise((resolve) => server.close(resolve))));
    },
  };
}
