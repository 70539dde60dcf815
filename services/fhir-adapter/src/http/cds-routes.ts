import { AppError, ErrorCode, InvalidInputError, NotFoundError, UnavailableError } from '@aloe/shared/errors';
import { summarizeIssues } from '@aloe/shared/kafka';
import type { Logger } from '@aloe/shared/logging';
import type { Feedback, TaskKind } from '@aloe/shared/schemas';
import { type Request, type RequestHandler, Router } from 'express';
import type { CardStore } from '../cards/card-store.js';
import { CdsFeedbackRequest, CdsHookRequest, type CdsLink } from '../cards/cds-types.js';
import { pendingCard, suggestionSetToCards } from '../cards/suggestion-to-card.js';
import { draftOrderItems, fromPrefetch } from '../context/from-prefetch.js';
import type { AnalysisRequest } from '../flows/publish-context.js';
import { CDS_SERVICES } from './cds-services.js';
import type { EhrJwtVerifier } from './verify-ehr-jwt.js';

export interface CdsRoutesDeps {
  /** The URL the EHR calls us at (scheme, host and any path prefix), for the JWT `aud` check. */
  publicBaseUrl: string;
  verifyEhrJwt: EhrJwtVerifier | undefined;
  /** Development only: accept calls without a valid EHR JWT. */
  allowUnauthenticated: boolean;
  cards: CardStore;
  /** The SMART app launch URL of the sidebar page, shown as a `smart` link on every card. */
  sidebarLaunchUrl: string | undefined;
  pseudonymOf: (patientId: string) => string;
  /** Starts the analysis (capture → Kafka); the response does not wait for it. */
  requestAnalysis: (request: AnalysisRequest) => Promise<{ contextId: string }>;
  publishFeedback: (feedback: Feedback[]) => Promise<void>;
  logger: Logger;
  newId: () => string;
}

const TASKS_BY_HOOK: Record<string, TaskKind[]> = {
  'patient-view': ['medication-safety', 'care-gaps', 'summary'],
  'order-select': ['medication-safety'],
  'order-sign': ['medication-safety'],
};

/**
 * CDS Hooks 2.0: discovery, the three services and feedback. Every call is authenticated with the
 * EHR's JWT (discovery included). A hook call is answered at once from the card cache (or with one
 * "reviewing" card linking to the sidebar) and starts a fresh analysis in the background.
 */
export function createCdsRoutes(deps: CdsRoutesDeps): Router {
  const router = Router();
  const logger = deps.logger.child({ component: 'cds-hooks' });
  const sidebar: CdsLink | undefined = deps.sidebarLaunchUrl
    ? { label: 'Open the Aloe assistant', url: deps.sidebarLaunchUrl, type: 'smart' }
    : undefined;

  const authenticate: RequestHandler = async (request, _response, next) => {
    if (deps.allowUnauthenticated) return next();
    if (!deps.verifyEhrJwt)
      return next(new AppError(ErrorCode.Unauthorized, 'No EHR is trusted: configure the CDS Hooks issuers'));
    await deps.verifyEhrJwt(request.headers.authorization, calledUrl(deps.publicBaseUrl, request));
    next();
  };

  router.get('/cds-services', authenticate, (_request, response) => {
    response.json({ services: CDS_SERVICES });
  });

  router.post('/cds-services/:id', authenticate, async (request, response) => {
    const service = CDS_SERVICES.find((candidate) => candidate.id === request.params.id);
    if (!service) throw new NotFoundError(`No CDS service ${request.params.id}`);
    const parsed = CdsHookRequest.safeParse(request.body);
    if (!parsed.success)
      throw new InvalidInputError(`Not a CDS Hooks request: ${summarizeIssues(parsed.error.issues)}`);
    const call = parsed.data;
    if (call.hook !== service.hook)
      throw new InvalidInputError(`Service ${service.id} answers ${service.hook}, not ${call.hook}`);
    const { patientId } = call.context;
    const pseudonym = deps.pseudonymOf(patientId);

    // The clinician never waits on the cache: if it cannot answer, the pending card goes out.
    const latest = await deps.cards.latest(pseudonym).catch((error: unknown) => {
      logger.warn(
        { patientPseudonym: pseudonym, err: error },
        'the card store did not answer; serving the pending card',
      );
      return undefined;
    });
    const cards = latest ? suggestionSetToCards(latest, sidebar) : [pendingCard(pseudonym, sidebar)];
    response.json({ cards });

    void deps
      .requestAnalysis({
        patientId,
        trigger: {
          kind: 'cds-hook',
          hook: call.hook,
          hookInstance: call.hookInstance,
          ...(call.context.userId && /^[A-Z][A-Za-z]+\/[A-Za-z0-9\-.]{1,64}$/.test(call.context.userId)
            ? { userRef: call.context.userId }
            : {}),
        },
        tasks: TASKS_BY_HOOK[call.hook] ?? ['medication-safety'],
        prefetched: fromPrefetch(call.prefetch, patientId),
        extraItems: draftOrderItems(call.context.draftOrders),
      })
      .catch((error: unknown) =>
        logger.warn(
          {
            hook: call.hook,
            hookInstance: call.hookInstance,
            patientPseudonym: pseudonym,
            code: (error as AppError).code,
          },
          `analysis not started: ${(error as Error).message}`,
        ),
      );
  });

  router.post('/cds-services/:id/feedback', authenticate, async (request, response) => {
    if (!CDS_SERVICES.some((candidate) => candidate.id === request.params.id)) {
      throw new NotFoundError(`No CDS service ${request.params.id}`);
    }
    const parsed = CdsFeedbackRequest.safeParse(request.body);
    if (!parsed.success)
      throw new InvalidInputError(`Not CDS Hooks feedback: ${summarizeIssues(parsed.error.issues)}`);
    const feedback: Feedback[] = [];
    for (const item of parsed.data.feedback) {
      const origin = await deps.cards.originOf(item.card).catch((cause: unknown) => {
        throw new UnavailableError('The card store is unavailable; send the feedback again', { cause });
      });
      if (!origin) {
        logger.warn(
          { card: item.card },
          'feedback for a card we do not know (expired, or served by another replica without a shared card store)',
        );
        continue;
      }
      const reason = item.overrideReason?.reason;
      feedback.push({
        feedbackId: deps.newId(),
        patientPseudonym: origin.patientPseudonym,
        suggestionId: origin.suggestionId,
        cardId: item.card,
        source: 'cds-hooks',
        outcome: item.outcome,
        ...(reason
          ? { overrideReason: { system: reason.system, code: reason.code, display: reason.display } }
          : {}),
        outcomeTimestamp: item.outcomeTimestamp,
      });
    }
    if (feedback.length > 0) await deps.publishFeedback(feedback);
    response.json({ accepted: feedback.length, unknownCards: parsed.data.feedback.length - feedback.length });
  });

  return router;
}

/** The absolute URL the EHR called, as it must appear in the JWT `aud`. */
function calledUrl(publicBaseUrl: string, request: Request): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}${request.originalUrl.split('?')[0]}`;
}
