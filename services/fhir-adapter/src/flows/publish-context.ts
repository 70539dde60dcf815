import type { Logger } from '@aloe/shared/logging';
import type { AuditEvent, PatientContext } from '@aloe/shared/schemas';
import { buildAuditEvent } from '../audit/audit-event.js';
import { type CaptureDeps, captureContext } from './capture-context.js';

export type AnalysisRequest = Parameters<typeof captureContext>[1];

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
  await deps.publish(context);
  await deps.audit(
    buildAuditEvent(
      {
        action: 'fhir-read',
        outcome: 'success',
        patientPseudonym: context.patient.pseudonym,
        fhirBase: context.fhirBase,
        resourceRefs: [context.patient.ref, ...context.items.map((item) => item.ref)],
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
  return context;
}
