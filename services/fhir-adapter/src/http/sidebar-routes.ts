import { createHash, randomBytes } from 'node:crypto';
import { AppError, ErrorCode, InvalidInputError, UnavailableError } from '@aloe/shared/errors';
import type { Logger } from '@aloe/shared/logging';
import type { Feedback } from '@aloe/shared/schemas';
import express, { type Response, Router } from 'express';
import type { CardStore } from '../cards/card-store.js';
import { createTokenSealer } from '../sidebar/sealed-token.js';
import { renderSidebarPage } from '../sidebar/sidebar-page.js';

export interface SidebarDeps {
  publicBaseUrl: string;
  /** FHIR base URLs that may launch the sidebar (`iss`): the EHR this adapter serves. */
  issuers: readonly string[];
  /** The sidebar's client id at the EHR's authorization server (a public client, PKCE). */
  clientId: string;
  /** Seals launch states and sessions (sealed-token.ts); the same on every replica. */
  secret: string;
  cards: CardStore;
  pseudonymOf: (patientId: string) => string;
  publishFeedback: (feedback: Feedback[]) => Promise<void>;
  newId: () => string;
  logger: Logger;
  /**
   * A session ends after this long without an answer (default 1 h); each answer renews it, up to
   * `sessionMaxMs` after the launch (default 12 h, a long shift). Then the clinician opens it again.
   */
  sessionIdleMs?: number;
  sessionMaxMs?: number;
}

const SCOPE = 'launch openid fhirUser patient/*.rs';
const STATE_TTL_MS = 10 * 60_000;
const SESSION_IDLE_MS = 60 * 60_000;
const SESSION_MAX_MS = 12 * 60 * 60_000;
const random = () => randomBytes(32).toString('base64url');
const withoutSlash = (url: string) => url.replace(/\/+$/, '');

interface LaunchState {
  iss: string;
  verifier: string;
  tokenEndpoint: string;
}
interface Session {
  pseudonym: string;
  iss: string;
  /** When the EHR launched it (ms since the epoch): the renewals end `sessionMaxMs` after. */
  startedAt: number;
}

/**
 * The SMART on FHIR sidebar page (SMART App Launch 2.0, EHR launch, public client with PKCE S256):
 * `/sidebar/launch` (the EHR opens it with `iss` and `launch`) → the EHR's authorization server →
 * `/sidebar/callback` exchanges the code for the patient in context and shows that patient's latest
 * clinical-rule findings and AI suggestions from the card store; accept / dismiss become clinician feedback (source `sidebar`).
 * The access token is not kept: the page reads nothing from the EHR, only the adapter's cache. The
 * launch state and the session are sealed tokens, so every replica can carry on any of them; each
 * answer renews the session (idle limit), up to a maximum after the launch.
 */
export function createSidebarRoutes(deps: SidebarDeps): Router {
  const router = Router();
  // Sealed, not stored: the callback and the feedback may reach any replica.
  const launchStates = createTokenSealer(deps.secret, 'launch');
  const sessions = createTokenSealer(deps.secret, 'session');
  const redirectUri = `${withoutSlash(deps.publicBaseUrl)}/sidebar/callback`;
  const issuers = new Set(deps.issuers.map(withoutSlash));
  const idleMs = deps.sessionIdleMs ?? SESSION_IDLE_MS;
  const maxMs = deps.sessionMaxMs ?? SESSION_MAX_MS;
  /** A fresh token for `session`: good for `idleMs`, never past `maxMs` after the launch. */
  const sealSession = (session: Session) =>
    sessions.seal(session, Math.min(idleMs, session.startedAt + maxMs - Date.now()));

  const renderFor = async (
    response: Response,
    session: string,
    state: Session,
    answered: ReadonlySet<string>,
  ) => {
    const [set, knowledge] = await Promise.all([
      deps.cards.latest(state.pseudonym),
      deps.cards.latestKnowledge(state.pseudonym),
    ]).catch((cause: unknown) => {
      throw new UnavailableError('The card store is unavailable; reopen the assistant in a moment', {
        cause,
      });
    });
    const nonce = randomBytes(16).toString('base64');
    response
      .set({
        'content-type': 'text/html; charset=utf-8',
        // Embedded in the EHR's sidebar: only the EHR's own origin may frame it.
        'content-security-policy': `default-src 'none'; style-src 'nonce-${nonce}'; form-action 'self'; base-uri 'none'; frame-ancestors ${new URL(state.iss).origin}`,
        'cache-control': 'no-store',
        'referrer-policy': 'no-referrer',
        'x-content-type-options': 'nosniff',
      })
      .send(renderSidebarPage({ set, knowledge, session, nonce, answered }));
  };

  router.get('/sidebar/launch', async (request, response) => {
    const { iss, launch } = request.query;
    if (typeof iss !== 'string' || typeof launch !== 'string')
      throw new InvalidInputError('An EHR launch needs iss and launch');
    if (!issuers.has(withoutSlash(iss)))
      throw new InvalidInputError('This EHR (iss) may not launch the sidebar');
    const discovery = await fetch(`${withoutSlash(iss)}/.well-known/smart-configuration`, {
      signal: AbortSignal.timeout(5_000),
    }).catch((cause: unknown) => {
      throw new UnavailableError('The EHR did not answer its SMART configuration', { cause });
    });
    if (!discovery.ok)
      throw new UnavailableError(`The EHR's SMART configuration answered ${discovery.status}`);
    const smart = (await discovery.json()) as { authorization_endpoint?: string; token_endpoint?: string };
    if (!smart.authorization_endpoint || !smart.token_endpoint)
      throw new UnavailableError("The EHR's SMART configuration names no authorization or token endpoint");
    const verifier = random();
    const state = launchStates.seal(
      { iss, verifier, tokenEndpoint: smart.token_endpoint } satisfies LaunchState,
      STATE_TTL_MS,
    );
    const authorize = new URL(smart.authorization_endpoint);
    for (const [name, value] of Object.entries({
      response_type: 'code',
      client_id: deps.clientId,
      redirect_uri: redirectUri,
      launch,
      scope: SCOPE,
      state,
      aud: iss,
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    }))
      authorize.searchParams.set(name, value);
    response.redirect(authorize.href);
  });

  router.get('/sidebar/callback', async (request, response) => {
    const { code, state, error } = request.query;
    if (typeof error === 'string')
      throw new AppError(ErrorCode.Forbidden, `The EHR did not authorize the sidebar: ${error}`);
    const launch = typeof state === 'string' ? launchStates.open<LaunchState>(state) : undefined;
    if (!launch || typeof code !== 'string')
      throw new InvalidInputError('Unknown or expired launch: open the assistant again');
    const exchange = await fetch(launch.tokenEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: redirectUri,
        client_id: deps.clientId,
        code_verifier: launch.verifier,
      }),
      signal: AbortSignal.timeout(5_000),
    }).catch((cause: unknown) => {
      throw new UnavailableError('The EHR token endpoint did not answer', { cause });
    });
    const token = (await exchange.json().catch(() => ({}))) as { patient?: unknown; error?: string };
    if (!exchange.ok)
      throw new AppError(ErrorCode.Forbidden, `The EHR refused the code: ${token.error ?? exchange.status}`);
    if (typeof token.patient !== 'string' || !/^[A-Za-z0-9\-.]{1,64}$/.test(token.patient))
      throw new AppError(ErrorCode.Forbidden, 'The EHR launched the sidebar without a patient in context');
    const session: Session = {
      pseudonym: deps.pseudonymOf(token.patient),
      iss: launch.iss,
      startedAt: Date.now(),
    };
    await renderFor(response, sealSession(session), session, new Set());
  });

  router.post(
    '/sidebar/feedback',
    express.urlencoded({ extended: false, limit: '10kb' }),
    async (request, response) => {
      const { session, card, outcome, answered } = request.body as Record<string, string | undefined>;
      const state = session ? sessions.open<Session>(session) : undefined;
      if (!state)
        throw new AppError(ErrorCode.Unauthorized, 'The sidebar session ended: open the assistant again');
      if (outcome !== 'accepted' && outcome !== 'overridden')
        throw new InvalidInputError('outcome: accepted or overridden');
      const origin = card ? await deps.cards.originOf(card) : undefined;
      // A session answers for its own patient's cards only.
      if (!origin || origin.patientPseudonym !== state.pseudonym)
        throw new AppError(ErrorCode.Forbidden, 'This card is not one of this patient’s');
      await deps.publishFeedback([
        {
          feedbackId: deps.newId(),
          patientPseudonym: origin.patientPseudonym,
          suggestionId: origin.suggestionId,
          ...(origin.ruleId ? { ruleId: origin.ruleId } : {}),
          cardId: card,
          source: 'sidebar',
          outcome,
          outcomeTimestamp: new Date().toISOString(),
        },
      ]);
      deps.logger.info({ patientPseudonym: origin.patientPseudonym, card, outcome }, 'sidebar feedback');
      // The page carries the cards it already answered, so any replica can draw it again.
      const done = new Set([
        ...(answered?.split(',') ?? []).filter((id) => /^[0-9a-f-]{36}$/.test(id)),
        card!,
      ]);
      // Answering renews the session (the page carries the new token).
      await renderFor(response, sealSession(state), state, done);
    },
  );

  return router;
}
