import { getStatus, normalizeOperationOutcome } from '@medplum/core';
import { type FhirRequest, FhirRouter, type HttpMethod } from '@medplum/fhir-router';
import express, { type Express } from 'express';
import { loadFhirDefinitions } from './load-definitions.js';
import { withSearchLinks } from './search-links.js';
import { createSmartAuthRoutes } from './smart-auth.js';
import { startSubscriptionNotifier } from './subscriptions.js';
import { ValidatingRepository } from './validating-repository.js';

export const FHIR_BASE_PATH = '/fhir/R4';
const FHIR_JSON = 'application/fhir+json';

export interface SandboxEhr {
  app: Express;
  repo: ValidatingRepository;
  router: FhirRouter;
  /** Resolves once every subscription notification sent so far has been delivered. */
  notificationsSettled(): Promise<void>;
}

/**
 * The sandbox EHR: FHIR R4 REST (CRUD, search, history, batch/transaction) from Medplum's router over a
 * validating in-memory repository, mounted at /fhir/R4, plus rest-hook subscriptions. Never listens:
 * main.ts (or a test) does.
 */
function capabilityStatement() {
  const interactions = [
    'read',
    'vread',
    'search-type',
    'create',
    'update',
    'patch',
    'delete',
    'history-instance',
  ].map((code) => ({ code }));
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: '2026-11-24',
    kind: 'instance',
    software: { name: 'Aloe sandbox EHR (Medplum fhir-router, in-memory)' },
    fhirVersion: '4.0.1',
    format: ['json'],
    rest: [
      {
        mode: 'server',
        interaction: [{ code: 'transaction' }, { code: 'batch' }],
        resource: [
          'Patient',
          'Condition',
          'MedicationRequest',
          'MedicationStatement',
          'Medication',
          'AllergyIntolerance',
          'Observation',
          'Encounter',
          'DocumentReference',
          'Procedure',
          'CarePlan',
          'DetectedIssue',
          'Communication',
          'Provenance',
          'Device',
          'Subscription',
        ].map((type) => ({ type, interaction: interactions, conditionalCreate: true })),
      },
    ],
  };
}

export function createSandboxEhr(
  options: { onNotificationError?: (id: string, error: unknown) => void } = {},
): SandboxEhr {
  loadFhirDefinitions();
  const repo = new ValidatingRepository();
  const router = new FhirRouter();
  const notifier = startSubscriptionNotifier(repo, { onError: options.onNotificationError });
  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_request, response) => {
    response.json({ status: 'ok' });
  });
  // SMART App Launch (EHR launch, PKCE): before the FHIR routes, which would take .well-known as a type.
  app.use(createSmartAuthRoutes(FHIR_BASE_PATH));
  app.use(FHIR_BASE_PATH, express.json({ type: ['application/json', FHIR_JSON], limit: '50mb' }));
  // FHIR R4 §3.1.0.14: every server publishes its CapabilityStatement; clients (and /readyz checks) read it.
  app.get(`${FHIR_BASE_PATH}/metadata`, (_request, response) => {
    response.type(FHIR_JSON).send(JSON.stringify(capabilityStatement()));
  });
  app.use(FHIR_BASE_PATH, async (request, response) => {
    const fhirRequest: FhirRequest = {
      method: request.method as HttpMethod,
      // Relative to the FHIR base, without the leading slash; the router fills pathname itself.
      url: request.url.replace(/^\//, ''),
      pathname: '',
      body: request.body,
      params: {},
      query: request.query as Record<string, string | string[]>,
      headers: request.headers,
    };
    try {
      const [outcome, resource] = await router.handleRequest(fhirRequest, repo);
      const fullUrl = new URL(`${request.protocol}://${request.get('host')}${request.originalUrl}`);
      const body = resource?.resourceType === 'Bundle' ? withSearchLinks(resource, fullUrl) : resource;
      response
        .status(getStatus(outcome))
        .type(FHIR_JSON)
        .send(JSON.stringify(body ?? outcome));
    } catch (error) {
      const outcome = normalizeOperationOutcome(error);
      response.status(getStatus(outcome)).type(FHIR_JSON).send(JSON.stringify(outcome));
    }
  });
  return { app, repo, router, notificationsSettled: notifier.settled };
}
