import type { Logger } from '@aloe/shared/logging';
import type { AuditEvent, PatientContext } from '@aloe/shared/schemas';
import { buildAuditEvent } from '../audit/audit-event.js';
import { type CaptureDeps, type CaptureRequest, captureContext } from './capture-context.js';

export type AnalysisRequest = CaptureRequest;

export interface PublishContextDeps {
  capture: CaptureDeps;
  publish: (context: PatientContext) => Promise<void>;
  audit: (event: AuditEvent) => Promise<void>;
  logger: Logger;
}

/** A trigger's work: read the patient's context from the EHR, produce it to Kafka, record the read. */
export async function publishContext(
  deps: PublishContextDeps,
  request: AnalysisRequest,
): Promise<PatientContext> {
  const startedAt = performance.now();
  const context = await captureContext(deps.capture, request);
  await publishCapturedContext(deps, context, startedAt);
  return context;
}

/** A context already captured (a CDS Hooks call read it to check the chart): produce it and record the read. */
export async function publishCapturedContext(
  deps: PublishContextDeps,
  context: PatientContext,
  startedAt = performance.now(),
): Promise<void> {
  await deps.publish(context);
  await deps.audit(
    buildAuditEvent(
      {
        action: 'fhir-read',
        outcome: 'success',
        patientPseudonym: context.patient.pseudonym,
        patientRef: context.patient.ref,
        ...(context.trigger.userRef ? { userRef: context.trigger.userRef } : {}),
        fhirBase: context.fhirBase,
        // The patient read by id, the chart searched by type (capture-context.ts).
        interactions: ['read', 'search-type'],
        // Draft orders are not in the EHR: they were sent, not read.
        resourceRefs: [
          context.patient.ref,
          ...context.items.filter((item) => item.status !== 'draft').map((item) => item.ref),
        ],
        correlationId: context.contextId,
        detail: { trigger: context.trigger.kind, items: context.items.length },
      },
      { newId: deps.capture.newId, now: deps.capture.now },
    ),
  );
  deps.logger.info(
    {
      contextId: context.contextId,
      patientPseudonym: context.patient.pseudonym,
      trigger: context.trigger.kind,
      hook: context.trigger.hook,
      items: context.items.length,
      durationMs: Math.round(performance.now() - startedAt),
    },
    'patient context published',
  );
}
