import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSandboxEhr, FHIR_BASE_PATH, loadBundle, type SandboxEhr } from '@aloe/sandbox-ehr';
import type { AuditEvent, PatientContext } from '@aloe/shared/schemas';
import type { Bundle } from '@medplum/fhirtypes';
import type { AppDeps } from '../src/app.js';
import { createFhirClient } from '../src/ehr/fhir-client.js';
import { type CaptureDeps, captureContext, contextFromPrefetch } from '../src/flows/capture-context.js';

export const TEST_PSEUDONYM_KEY = 'test-pseudonym-key-with-at-least-32-chars';

type ChartDeps = Pick<AppDeps, 'captureChart' | 'chartFromPrefetch' | 'publishContext' | 'audit' | 'now'>;

/**
 * How a test's adapter reads charts: from the EHR at `fhirBase` (what the prefetch lacks), or, without
 * one, from the prefetch alone (an EHR that sends everything with the call). Captured contexts are
 * kept in `published`, and audit events in `audits`, instead of going to Kafka.
 */
export function chartDeps(
  options: { fhirBase?: string; now?: () => Date; published?: PatientContext[]; audits?: AuditEvent[] } = {},
): ChartDeps & { capture: CaptureDeps } {
  const fhirBase = options.fhirBase ?? 'http://ehr.invalid/fhir/R4';
  const client = createFhirClient({ baseUrl: fhirBase });
  const now = options.now ?? (() => new Date());
  const capture: CaptureDeps = {
    client: async () => client,
    fhirBase,
    pseudonymKey: TEST_PSEUDONYM_KEY,
    now,
    newId: randomUUID,
    read: { observationWindowDays: 365, observationLimit: 200, includeNotes: true },
  };
  return {
    capture,
    captureChart: options.fhirBase
      ? (request) => captureContext(capture, request)
      : async (request) => contextFromPrefetch(capture, request),
    chartFromPrefetch: (request) => contextFromPrefetch(capture, request),
    publishContext: async (context) => {
      options.published?.push(context);
    },
    audit: async (event) => {
      options.audits?.push(event);
    },
    now,
  };
}

/** The sandbox EHR on a free port of 127.0.0.1, seeded with transaction Bundles. */
export async function startSandboxEhr(
  bundles: Bundle[] = [],
): Promise<{ ehr: SandboxEhr; fhirBase: string; close: () => Promise<void> }> {
  const ehr = createSandboxEhr();
  for (const bundle of bundles) await loadBundle(ehr.router, ehr.repo, bundle);
  const server = await new Promise<Server>((resolve) => {
    const listening = ehr.app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  return {
    ehr,
    fhirBase: `http://127.0.0.1:${(server.address() as AddressInfo).port}${FHIR_BASE_PATH}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
