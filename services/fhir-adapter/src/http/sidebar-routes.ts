import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { AppError, ErrorCode, InvalidInputError, UnavailableError } from '@aloe/shared/errors';
import type { Logger } from '@aloe/shared/logging';
import { type Feedback, FHIR_ID, FhirReference } from '@aloe/shared/schemas';
import express, { type Request, type Response, Router } from 'express';
import { createRemoteJWKSet, type JWTVerifyGetKey, jwtVerify } from 'jose';
import type { CardStore } from '../cards/card-store.js';
import { OVERRIDE_REASONS } from '../cards/suggestion-to-card.js';
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

// The page reads nothing from the EHR (its cards come from the adapter's cache): it asks for the EHR
// launch context and who the clinician is, nothing more.
const SCOPE = 'launch openid fhirUser';
/** The browser's half of a launch: an HttpOnly cookie whose hash the sealed state carries. */
const STATE_COOKIE = 'aloe_sidebar_launch';
const STATE_TTL_MS = 10 * 60_000;
const SESSION_IDLE_MS = 60 * 60_000;
const SESSION_MAX_MS = 12 * 60 * 60_000;
const random = () => randomBytes(32).toString('base64url');
const withoutSlash = (url: string) => url.replace(/\/+$/, '');

interface LaunchState {
  iss: string;
  verifier: string;
  tokenEndpoint: string;
  /** SHA-256 of the nonce in this browser's launch cookie: the callback must come from the same browser. */
  browserHash: string;
}
interface Session {
  pseudonym: string;
  iss: string;
  /** The clinician, from the verified id_token (`fhirUser`, as a relative reference when on this EHR). */
  fhirUser: string;
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
  const secureCookies = deps.publicBaseUrl.startsWith('https:');
  const idTokenKeys = new Map<string, Promise<{ issuer: string; keys: JWTVerifyGetKey }>>();
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
    const smart = (await discovery.json()) as {
      authorization_endpoint?: string;
      token_endpoint?: string;
      code_challenge_methods_supported?: unknown;
    };
    if (!smart.authorization_endpoint || !smart.token_endpoint)
      throw new UnavailableError("The EHR's SMART configuration names no authorization or token endpoint");
    // SMART App Launch 2.0 §PKCE: S256 is required; an EHR that does not list it may fall back to none.
    if (
      !Array.isArray(smart.code_challenge_methods_supported) ||
      !smart.code_challenge_methods_supported.includes('S256')
    )
      throw new AppError(
        ErrorCode.Forbidden,
        "The EHR's SMART configuration does not support PKCE S256: the sidebar will not launch without it",
      );
    const verifier = random();
    const browserNonce = random();
    const state = launchStates.seal(
      {
        iss,
        verifier,
        tokenEndpoint: smart.token_endpoint,
        browserHash: sha256(browserNonce),
      } satisfies LaunchState,
      STATE_TTL_MS,
    );
    response.cookie(STATE_COOKIE, browserNonce, {
      httpOnly: true,
      secure: secureCookies,
      // Framed by the EHR (another site) the cookie must cross sites; only over https may it.
      sameSite: secureCookies ? 'none' : 'lax',
      path: '/sidebar',
      maxAge: STATE_TTL_MS,
    });
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
    if (!sameHash(cookieOf(request, STATE_COOKIE), launch.browserHash))
      throw new AppError(
        ErrorCode.Forbidden,
        'This launch was started in another browser (or its cookie expired): open the assistant again',
      );
    response.clearCookie(STATE_COOKIE, { path: '/sidebar' });
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
    const token = (await exchange.json().catch(() => ({}))) as {
      patient?: unknown;
      id_token?: unknown;
      error?: string;
    };
    if (!exchange.ok)
      throw new AppError(ErrorCode.Forbidden, `The EHR refused the code: ${token.error ?? exchange.status}`);
    if (typeof token.patient !== 'string' || !FHIR_ID.test(token.patient))
      throw new AppError(ErrorCode.Forbidden, 'The EHR launched the sidebar without a patient in context');
    const fhirUser = await clinicianOf(launch.iss, token.id_token);
    const session: Session = {
      pseudonym: deps.pseudonymOf(token.patient),
      iss: launch.iss,
      fhirUser,
      startedAt: Date.now(),
    };
    await renderFor(response, sealSession(session), session, new Set());
  });

  router.post(
    '/sidebar/feedback',
    express.urlencoded({ extended: false, limit: '10kb' }),
    async (request, response) => {
      const { session, card, outcome, answered, reason } = request.body as Record<string, string | undefined>;
      const state = session ? sessions.open<Session>(session) : undefined;
      if (!state)
        throw new AppError(ErrorCode.Unauthorized, 'The sidebar session ended: open the assistant again');
      if (outcome !== 'accepted' && outcome !== 'overridden')
        throw new InvalidInputError('outcome: accepted or overridden');
      const origin = card ? await deps.cards.originOf(card) : undefined;
      // A session answers for its own patient's cards only.
      if (!origin || origin.patientPseudonym !== state.pseudonym)
        throw new AppError(ErrorCode.Forbidden, 'This card is not one of this patient’s');
      const overrideReason =
        outcome === 'overridden' ? OVERRIDE_REASONS.find((known) => known.code === reason) : undefined;
      await deps.publishFeedback([
        {
          feedbackId: deps.newId(),
          patientPseudonym: origin.patientPseudonym,
          setId: origin.setId,
          suggestionId: origin.suggestionId,
          ...(origin.ruleId ? { ruleId: origin.ruleId } : {}),
          cardId: card,
          source: 'sidebar',
          outcome,
          ...(overrideReason ? { overrideReason } : {}),
          userRef: state.fhirUser,
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

  /**
   * The clinician the EHR signed in, from its OpenID Connect id_token (SMART App Launch 2.0 §OpenID
   * Connect): RS256, signed by a key of the issuer's discovered `jwks_uri`, `iss` the discovered issuer,
   * `aud` our client id, not expired, and a `fhirUser` claim.
   */
  async function clinicianOf(iss: string, idToken: unknown): Promise<string> {
    if (typeof idToken !== 'string')
      throw new AppError(
        ErrorCode.Forbidden,
        'The EHR sent no id_token: the sidebar needs to know the clinician',
      );
    let provider = idTokenKeys.get(iss);
    if (!provider) {
      provider = discoverIdTokenKeys(iss);
      idTokenKeys.set(iss, provider);
      provider.catch(() => idTokenKeys.delete(iss));
    }
    const { issuer, keys } = await provider;
    const { payload } = await jwtVerify(idToken, keys, {
      algorithms: ['RS256', 'ES256', 'ES384', 'RS384'],
      issuer,
      audience: deps.clientId,
      requiredClaims: ['sub', 'exp', 'iat'],
      clockTolerance: 30,
    }).catch((cause: unknown) => {
      throw new AppError(
        ErrorCode.Forbidden,
        `The EHR's id_token does not verify: ${(cause as Error).message}`,
        {
          cause,
        },
      );
    });
    const fhirUser = typeof payload.fhirUser === 'string' ? payload.fhirUser : undefined;
    if (!fhirUser) throw new AppError(ErrorCode.Forbidden, "The EHR's id_token names no fhirUser");
    const relative = fhirUser.startsWith(`${withoutSlash(iss)}/`)
      ? fhirUser.slice(withoutSlash(iss).length + 1)
      : fhirUser;
    if (
      !/^(Practitioner|PractitionerRole|Patient|RelatedPerson|Person)\//.test(relative) ||
      !FhirReference.safeParse(relative).success
    )
      throw new AppError(ErrorCode.Forbidden, "The EHR's id_token fhirUser is not a FHIR user reference");
    return relative;
  }

  return router;
}

/** The issuer and keys that sign an EHR's id_tokens (OpenID Connect discovery under the FHIR base). */
async function discoverIdTokenKeys(iss: string): Promise<{ issuer: string; keys: JWTVerifyGetKey }> {
  const response = await fetch(`${withoutSlash(iss)}/.well-known/openid-configuration`, {
    signal: AbortSignal.timeout(5_000),
  }).catch((cause: unknown) => {
    throw new UnavailableError('The EHR did not answer its OpenID configuration', { cause });
  });
  const discovery = (await response.json().catch(() => ({}))) as { issuer?: unknown; jwks_uri?: unknown };
  if (!response.ok || typeof discovery.issuer !== 'string' || typeof discovery.jwks_uri !== 'string')
    throw new UnavailableError("The EHR's OpenID configuration names no issuer or jwks_uri");
  return {
    issuer: discovery.issuer,
    keys: createRemoteJWKSet(new URL(discovery.jwks_uri), { timeoutDuration: 3_000 }),
  };
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('base64url');

/** Whether `value` hashes to `expected`, in constant time. */
function sameHash(value: string | undefined, expected: string): boolean {
  if (!value) return false;
  const [a, b] = [Buffer.from(sha256(value)), Buffer.from(expected)];
  return a.length === b.length && timingSafeEqual(a, b);
}

/** One cookie of the request (express has no cookie parser built in; one cookie needs none). */
function cookieOf(request: Request, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return decodeURIComponent(value.join('='));
  }
  return undefined;
}
