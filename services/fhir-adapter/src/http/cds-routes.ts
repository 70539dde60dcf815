import {
  AppError,
  describeError,
  ErrorCode,
  InvalidInputError,
  NotFoundError,
  UnavailableError,
} from '@aloe/shared/errors';
import { summarizeIssues } from '@aloe/shared/kafka';
import type { Logger } from '@aloe/shared/logging';
import {
  type AuditEvent,
  type Feedback,
  FhirReference,
  type KnowledgeReport,
  type PatientContext,
  type TaskKind,
} from '@aloe/shared/schemas';
import { Attr, activeSpan, withHttpServerSpan } from '@aloe/shared/tracing';
import { type Request, type RequestHandler, type Response, Router } from 'express';
import { buildAuditEvent } from '../audit/audit-event.js';
import type { CardStore } from '../cards/card-store.js';
import { type CdsCard, CdsFeedbackRequest, CdsHookRequest, type CdsLink } from '../cards/cds-types.js';
import { knowledgeCards } from '../cards/knowledge-cards.js';
import { cardUuid, pendingCard, suggestionSetToCards } from '../cards/suggestion-to-card.js';
import { draftOrders, fromPrefetch } from '../context/from-prefetch.js';
import type { CaptureRequest } from '../flows/capture-context.js';
import { checkChart } from '../flows/check-chart.js';
import { CDS_SERVICES } from './cds-services.js';
import type { EhrJwtVerifier, VerifiedEhrCall } from './verify-ehr-jwt.js';

export interface CdsRoutesDeps {
  /** The URL the EHR calls us at (scheme, host and any path prefix), for the JWT `aud` check. */
  publicBaseUrl: string;
  verifyEhrJwt: EhrJwtVerifier | undefined;
  /** Development only: accept calls without a valid EHR JWT. */
  allowUnauthenticated: boolean;
  /** FHIR servers an authenticated call may name (`fhirServer`): the EHR this adapter reads. */
  fhirServers: readonly string[];
  cards: CardStore;
  /** The SMART app launch URL of the sidebar page, shown as a `smart` link on every card. */
  sidebarLaunchUrl: string | undefined;
  pseudonymOf: (patientId: string) => string;
  /** Reads what the prefetch lacks from the EHR and normalises the chart (in the call). */
  captureChart: (request: CaptureRequest) => Promise<PatientContext>;
  /** The chart from the prefetch alone, when the EHR cannot be read. */
  chartFromPrefetch: (request: CaptureRequest) => PatientContext;
  /** Starts the AI analysis of a captured chart (Kafka); the response does not wait for it. */
  publishContext: (context: PatientContext) => Promise<void>;
  publishFeedback: (feedback: Feedback[]) => Promise<void>;
  /** Records each hook call on aloe.audit.v1, after the answer was sent: the answer never waits for it. */
  audit: (event: AuditEvent) => Promise<void>;
  logger: Logger;
  newId: () => string;
  now: () => Date;
}

const TASKS_BY_HOOK: Record<string, TaskKind[]> = {
  'patient-view': ['medication-safety', 'care-gaps', 'summary'],
  'order-select': ['medication-safety'],
  'order-sign': ['medication-safety'],
};

/**
 * CDS Hooks 2.0: discovery, the three services and feedback. Every call is authenticated with the
 * EHR's JWT (discovery included). A hook call checks the chart and its draft orders against the
 * clinical rules in the call (prefetch, else EHR reads) and answers with their cards; patient-view
 * adds the AI's latest cached set (or a "reviewing" card). A fresh AI analysis of the chart then
 * starts in the background.
 */
export function createCdsRoutes(deps: CdsRoutesDeps): Router {
  const router = Router();
  const logger = deps.logger.child({ component: 'cds-hooks' });
  const fhirServers = new Set(deps.fhirServers.map(withoutSlash));
  const sidebar: CdsLink | undefined = deps.sidebarLaunchUrl
    ? { label: 'Open the Aloe assistant', url: deps.sidebarLaunchUrl, type: 'smart' }
    : undefined;

  // A call refused here (no or a bad JWT) is a CDS Hooks call too: it is recorded, as refused.
  const authenticate: RequestHandler = async (request, response, next) => {
    if (deps.allowUnauthenticated) return next();
    try {
      if (!deps.verifyEhrJwt)
        throw new AppError(ErrorCode.Unauthorized, 'No EHR is trusted: configure the CDS Hooks issuers');
      response.locals.ehrCall = await deps.verifyEhrJwt(
        request.headers.authorization,
        calledUrl(deps.publicBaseUrl, request),
      );
    } catch (error) {
      recordCall(response, { service: String(request.params.id ?? 'discovery') }, error);
      throw error;
    }
    next();
  };

  router.get('/cds-services', authenticate, (_request, response) => {
    response.json({ services: CDS_SERVICES });
  });

  // A hook call is a trigger: the root of the chart's trace, or a child of the EHR's own traceparent.
  const HOOK = '/cds-services/:id';
  router.post(HOOK, authenticate, (request, response) =>
    withHttpServerSpan(request, HOOK, async (span) => {
      span.setAttribute(Attr.Trigger, 'cds-hook');
      const call: CallFacts = { service: String(request.params.id) };
      try {
        await answerHook(request, response, call);
      } catch (error) {
        recordCall(response, call, error);
        throw error;
      }
      recordCall(response, call);
    }),
  );

  /** The hook call's answer; what it learns of the call goes into `facts`, for the audit. */
  const answerHook = async (request: Request, response: Response, facts: CallFacts) => {
    const service = CDS_SERVICES.find((candidate) => candidate.id === request.params.id);
    if (!service) throw new NotFoundError(`No CDS service ${request.params.id}`);
    const parsed = CdsHookRequest.safeParse(request.body);
    if (!parsed.success)
      throw new InvalidInputError(`Not a CDS Hooks request: ${summarizeIssues(parsed.error.issues)}`);
    const call = parsed.data;
    facts.hook = call.hook;
    facts.hookInstance = call.hookInstance;
    facts.fhirServer = call.fhirServer ?? undefined;
    if (call.hook !== service.hook)
      throw new InvalidInputError(`Service ${service.id} answers ${service.hook}, not ${call.hook}`);
    if (!deps.allowUnauthenticated && call.fhirServer && !fhirServers.has(withoutSlash(call.fhirServer)))
      throw new AppError(
        ErrorCode.Forbidden,
        'fhirServer is not the EHR this service reads (FHIR_ADAPTER_CDS_FHIR_SERVERS): its chart cannot be checked here',
      );
    const { patientId } = call.context;
    const pseudonym = deps.pseudonymOf(patientId);
    facts.pseudonym = pseudonym;
    activeSpan().setAttributes({ [Attr.CdsHook]: call.hook, [Attr.PatientPseudonym]: pseudonym });
    facts.patientRef = `Patient/${patientId}`;
    facts.userRef = call.context.userId;
    const prefetched = fromPrefetch(call.prefetch ?? undefined, patientId);
    const drafts = draftOrders(call.context.draftOrders, prefetched.medications);
    const capture: CaptureRequest = {
      patientId,
      trigger: {
        kind: 'cds-hook',
        hook: call.hook,
        hookInstance: call.hookInstance,
        ...(FhirReference.safeParse(call.context.userId).success ? { userRef: call.context.userId } : {}),
      },
      tasks: TASKS_BY_HOOK[call.hook] ?? ['medication-safety'],
      prefetched,
      extraItems: drafts.items,
      includeNotes: call.hook === 'patient-view',
    };

    // The chart: what the EHR sent plus what it lacked, read now. If the EHR cannot be read, the rules
    // still check what arrived, and a card says so.
    let unreadable: string | undefined;
    const chart = await deps.captureChart(capture).catch((error: unknown) => {
      if (!(error instanceof AppError) || error.code === ErrorCode.InvalidInput) throw error;
      unreadable = error.message;
      logger.warn(
        { hook: call.hook, patientPseudonym: pseudonym, code: error.code },
        'chart not read; rules use the prefetch only',
      );
      return deps.chartFromPrefetch(capture);
    });
    activeSpan().setAttribute(Attr.ContextId, chart.contextId);
    const report = checkChart(chart, drafts.items, deps.now());
    await deps.cards
      .putKnowledge(report)
      .catch((error: unknown) =>
        logger.warn(
          { patientPseudonym: pseudonym, err: error },
          'the card store did not keep the knowledge findings',
        ),
      );
    const cards: CdsCard[] = [
      ...knowledgeCards(report, { sidebar, identifiedDrafts: drafts.identified }),
      ...(unreadable ? [unreadableCard(pseudonym, unreadable, sidebar)] : []),
      ...(call.hook === 'patient-view' ? await aiCards(pseudonym) : []),
    ];
    logCall(call.hook, pseudonym, report);
    response.json({ cards });
    Object.assign(facts, {
      cards: cards.length,
      findings: report.findings.length,
      ruleIds: [...new Set(report.findings.map((finding) => finding.ruleId))].join(' '),
      chartRead: !unreadable,
    });

    if (!unreadable)
      void deps.publishContext(chart).catch((error: unknown) =>
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
  };

  /**
   * The call on aloe.audit.v1 (references, codes and counts; never the request's chart), sent once the
   * answer is out: a slow or failing broker costs the EHR nothing, and a lost audit event is logged.
   */
  const recordCall = (response: Response, facts: CallFacts, error?: unknown) => {
    const ehrCall = response.locals.ehrCall as VerifiedEhrCall | undefined;
    const fhirBase = facts.fhirServer && URL.canParse(facts.fhirServer) ? facts.fhirServer : undefined;
    const event = buildAuditEvent(
      {
        action: 'cds-hook-call',
        outcome: error === undefined ? 'success' : 'failure',
        ...(facts.pseudonym ? { patientPseudonym: facts.pseudonym } : {}),
        ...(facts.patientRef && FhirReference.safeParse(facts.patientRef).success
          ? { patientRef: facts.patientRef }
          : {}),
        ...(facts.userRef && FhirReference.safeParse(facts.userRef).success
          ? { userRef: facts.userRef }
          : {}),
        ...(ehrCall ? { client: ehrCall.issuer.slice(0, 500) } : {}),
        ...(fhirBase ? { fhirBase } : {}),
        ...(facts.hookInstance ? { correlationId: facts.hookInstance.slice(0, 100) } : {}),
        detail: {
          service: facts.service.slice(0, 100),
          ...(facts.hook ? { hook: facts.hook } : {}),
          ...(facts.cards !== undefined
            ? { cards: facts.cards, findings: facts.findings ?? 0, chartRead: facts.chartRead ?? false }
            : {}),
          ...(facts.ruleIds ? { ruleIds: facts.ruleIds } : {}),
          ...(error === undefined ? {} : { code: describeError(error).code }),
        },
      },
      deps,
    );
    void deps
      .audit(event)
      .catch((failure: unknown) =>
        logger.warn(
          { hook: facts.hook, patientPseudonym: facts.pseudonym, eventId: event.eventId, err: failure },
          'the CDS Hooks call was not recorded on the audit topic',
        ),
      );
  };

  /** The AI's latest cached set; the clinician never waits on the cache: if it cannot answer, the pending card. */
  const aiCards = async (pseudonym: string): Promise<CdsCard[]> => {
    const latest = await deps.cards.latest(pseudonym).catch((error: unknown) => {
      logger.warn(
        { patientPseudonym: pseudonym, err: error },
        'the card store did not answer; serving the pending card',
      );
      return undefined;
    });
    return latest ? suggestionSetToCards(latest, sidebar) : [pendingCard(pseudonym, sidebar)];
  };

  const logCall = (hook: string, pseudonym: string, report: KnowledgeReport) =>
    logger.info(
      {
        hook,
        patientPseudonym: pseudonym,
        findings: report.findings.length,
        ruleIds: [...new Set(report.findings.map((finding) => finding.ruleId))],
      },
      'hook answered',
    );

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
        setId: origin.setId,
        suggestionId: origin.suggestionId,
        ...(origin.ruleId ? { ruleId: origin.ruleId } : {}),
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

/** What a hook call's audit event says, as the call is understood (PHI-free: ids, codes, counts). */
interface CallFacts {
  service: string;
  hook?: string;
  hookInstance?: string;
  fhirServer?: string | undefined;
  pseudonym?: string;
  patientRef?: string;
  userRef?: string | undefined;
  cards?: number;
  findings?: number;
  ruleIds?: string;
  chartRead?: boolean;
}

/** Said when the EHR could not be read: the rules checked only what the EHR sent with the call. */
function unreadableCard(pseudonym: string, reason: string, sidebar: CdsLink | undefined): CdsCard {
  return {
    uuid: cardUuid('unreadable', pseudonym),
    summary: 'Aloe could not read the chart from the EHR: the rules checked only what the EHR sent',
    detail: `${reason}. Allergies, medications and results not sent with this call were not checked.`,
    indicator: 'info',
    source: { label: 'Aloe clinical rules (not AI)' },
    ...(sidebar ? { links: [sidebar] } : {}),
  };
}

const withoutSlash = (url: string) => url.replace(/\/+$/, '');

/** The absolute URL the EHR called, as it must appear in the JWT `aud`. */
function calledUrl(publicBaseUrl: string, request: Request): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}${request.originalUrl.split('?')[0]}`;
}
