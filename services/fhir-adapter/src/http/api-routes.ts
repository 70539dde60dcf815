import { InvalidInputError } from '@aloe/shared/errors';
import { requireBearer } from '@aloe/shared/http';
import { FHIR_ID, FhirId, TaskKind } from '@aloe/shared/schemas';
import { Attr, type Span, withHttpServerSpan } from '@aloe/shared/tracing';
import { type RequestHandler, type Response, Router } from 'express';
import { z } from 'zod';
import type { AnalysisRequest } from '../flows/publish-context.js';

export interface ApiRoutesDeps {
  /** Bearer token for the API and the subscription endpoint; undefined = open (development only). */
  apiToken: string | undefined;
  requestAnalysis: (request: AnalysisRequest) => Promise<{ contextId: string }>;
}

const AnalyzeBody = z.object({ tasks: z.array(TaskKind).min(1).optional() }).optional();
const PatientId = FhirId;

/**
 * For integration engineers: `POST /api/v1/patients/{id}/analyze` (202 with the context id) and the
 * FHIR R4 Subscription rest-hook `POST /fhir/subscription-notification` (the notified resource names the
 * patient). Both take `Authorization: Bearer <FHIR_ADAPTER_API_TOKEN>`.
 */
export function createApiRoutes(deps: ApiRoutesDeps): Router {
  const router = Router();
  const authenticate: RequestHandler =
    deps.apiToken === undefined
      ? (_request, _response, next) => next()
      : requireBearer([deps.apiToken], { what: 'the API (FHIR_ADAPTER_API_TOKEN)' });

  // Each trigger is the root of its context's trace (or continues the caller's, given a traceparent).
  const ANALYZE = '/api/v1/patients/:id/analyze';
  router.post(ANALYZE, authenticate, (request, response) =>
    withHttpServerSpan(request, ANALYZE, async (span) => {
      span.setAttribute(Attr.Trigger, 'api');
      const patientId = PatientId.safeParse(request.params.id);
      if (!patientId.success) throw new InvalidInputError('patient id: must be a FHIR id');
      const body = AnalyzeBody.safeParse(request.body);
      if (!body.success)
        throw new InvalidInputError('tasks: must be medication-safety, care-gaps or summary');
      const { contextId } = await deps.requestAnalysis({
        patientId: patientId.data,
        trigger: { kind: 'api' },
        tasks: body.data?.tasks ?? ['medication-safety', 'care-gaps', 'summary'],
      });
      span.setAttribute(Attr.ContextId, contextId);
      response.status(202).json({ contextId, status: 'accepted' });
    }),
  );

  // FHIR R4 Subscription, rest-hook with payload application/fhir+json.
  const NOTIFICATION = '/fhir/subscription-notification';
  router.post(NOTIFICATION, authenticate, (request, response) =>
    withHttpServerSpan(request, NOTIFICATION, (span) => {
      span.setAttribute(Attr.Trigger, 'subscription');
      return notified(request.body, response, span);
    }),
  );

  const notified = async (body: unknown, response: Response, span: Span) => {
    const resource = body as
      | {
          resourceType?: string;
          id?: string;
          subject?: { reference?: string };
          patient?: { reference?: string };
        }
      | undefined;
    const reference =
      resource?.resourceType === 'Patient'
        ? `Patient/${resource.id}`
        : (resource?.subject?.reference ?? resource?.patient?.reference);
    const patientId = /(?:^|\/)Patient\/([^/]+)$/.exec(reference ?? '')?.[1];
    if (!patientId) {
      // An id-only notification (empty body) names no patient: acknowledge, nothing to do.
      response.status(204).end();
      return;
    }
    if (!FHIR_ID.test(patientId))
      throw new InvalidInputError('The notified resource names a patient whose id is not a FHIR id');
    const { contextId } = await deps.requestAnalysis({
      patientId,
      trigger: { kind: 'subscription' },
      tasks: ['medication-safety', 'care-gaps', 'summary'],
    });
    span.setAttribute(Attr.ContextId, contextId);
    response.status(202).json({ contextId, status: 'accepted' });
  };

  return router;
}
