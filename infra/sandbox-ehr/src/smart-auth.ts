import { createHash, randomBytes } from 'node:crypto';
import express, { type Request, Router } from 'express';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';

/** The sandbox's clinician, signed in for every launch unless the launch names another (`user`). */
export const SANDBOX_CLINICIAN = 'Practitioner/sandbox-clinician';
const ID_TOKEN_KID = 'sandbox-id-token';
const signingKeys = generateKeyPair('RS256', { extractable: true });

/**
 * A SMART App Launch 2.0 authorization server for the sandbox, enough for an EHR launch of a
 * public client with PKCE (S256): `/ehr/launch` plays the EHR opening an app in its sidebar for a
 * patient; `/oauth/authorize` approves at once (the sandbox's clinician is always signed in) after
 * checking what a real server checks (aud, launch, PKCE, scope); `/oauth/token` exchanges the code
 * once, for the patient in context, with an OpenID Connect id_token (RS256, keys at `/oauth/jwks`,
 * discovery at `<fhir base>/.well-known/openid-configuration`) naming the clinician as `fhirUser` when
 * `openid fhirUser` were granted. The sandbox's FHIR API itself does not check the access token.
 */
export function createSmartAuthRoutes(fhirBasePath: string): Router {
  const router = Router();
  const launches = new Map<string, { patient: string; user: string; expiresAt: number }>();
  const codes = new Map<
    string,
    {
      clientId: string;
      redirectUri: string;
      challenge: string;
      patient: string;
      user: string;
      scope: string;
      expiresAt: number;
    }
  >();
  const base = (request: Request) => `${request.protocol}://${request.get('host')}`;
  const token = () => randomBytes(24).toString('base64url');
  const invalid = (response: express.Response, description: string) =>
    response.status(400).json({ error: 'invalid_request', error_description: description });

  router.get(`${fhirBasePath}/.well-known/smart-configuration`, (request, response) => {
    response.json({
      authorization_endpoint: `${base(request)}/oauth/authorize`,
      token_endpoint: `${base(request)}/oauth/token`,
      grant_types_supported: ['authorization_code'],
      jwks_uri: `${base(request)}/oauth/jwks`,
      issuer: `${base(request)}${fhirBasePath}`,
      code_challenge_methods_supported: ['S256'],
      scopes_supported: ['launch', 'openid', 'fhirUser', 'patient/*.rs'],
      capabilities: [
        'launch-ehr',
        'client-public',
        'context-ehr-patient',
        'permission-patient',
        'sso-openid-connect',
      ],
    });
  });

  router.get(`${fhirBasePath}/.well-known/openid-configuration`, (request, response) => {
    response.json({
      issuer: `${base(request)}${fhirBasePath}`,
      jwks_uri: `${base(request)}/oauth/jwks`,
      authorization_endpoint: `${base(request)}/oauth/authorize`,
      token_endpoint: `${base(request)}/oauth/token`,
      response_types_supported: ['code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
    });
  });

  router.get('/oauth/jwks', async (_request, response) => {
    const jwk = await exportJWK((await signingKeys).publicKey);
    response.json({ keys: [{ ...jwk, kid: ID_TOKEN_KID, alg: 'RS256', use: 'sig' }] });
  });

  router.get('/ehr/launch', (request, response) => {
    const { app, patient, user } = request.query;
    if (typeof app !== 'string' || typeof patient !== 'string')
      return invalid(response, 'app and patient are required');
    const launch = token();
    launches.set(launch, {
      patient,
      user: typeof user === 'string' ? user : SANDBOX_CLINICIAN,
      expiresAt: Date.now() + 5 * 60_000,
    });
    const target = new URL(app);
    target.searchParams.set('iss', `${base(request)}${fhirBasePath}`);
    target.searchParams.set('launch', launch);
    response.redirect(target.href);
  });

  router.get('/oauth/authorize', (request, response) => {
    const q = request.query as Record<string, string | undefined>;
    const launch = q.launch ? launches.get(q.launch) : undefined;
    if (q.response_type !== 'code') return invalid(response, 'response_type must be code');
    if (!q.client_id || !q.redirect_uri?.startsWith('http'))
      return invalid(response, 'client_id and an absolute redirect_uri are required');
    if (q.aud !== `${base(request)}${fhirBasePath}`) return invalid(response, 'aud must be this FHIR server');
    if (!launch || launch.expiresAt < Date.now()) return invalid(response, 'unknown or expired launch');
    if (q.code_challenge_method !== 'S256' || !q.code_challenge)
      return invalid(response, 'PKCE with S256 is required');
    if (!q.scope?.split(' ').includes('launch'))
      return invalid(response, 'an EHR launch needs the launch scope');
    const code = token();
    codes.set(code, {
      clientId: q.client_id,
      redirectUri: q.redirect_uri,
      challenge: q.code_challenge,
      patient: launch.patient,
      user: launch.user,
      scope: q.scope,
      expiresAt: Date.now() + 60_000,
    });
    const target = new URL(q.redirect_uri);
    target.searchParams.set('code', code);
    if (q.state) target.searchParams.set('state', q.state);
    response.redirect(target.href);
  });

  router.post('/oauth/token', express.urlencoded({ extended: false }), async (request, response) => {
    const body = request.body as Record<string, string | undefined>;
    const grant = body.code ? codes.get(body.code) : undefined;
    if (body.code) codes.delete(body.code); // a code is good once
    const verifierHash = createHash('sha256')
      .update(body.code_verifier ?? '')
      .digest('base64url');
    if (
      body.grant_type !== 'authorization_code' ||
      !grant ||
      grant.expiresAt < Date.now() ||
      grant.clientId !== body.client_id ||
      grant.redirectUri !== body.redirect_uri ||
      grant.challenge !== verifierHash
    ) {
      return response.status(400).json({
        error: 'invalid_grant',
        error_description: 'the code, client, redirect or verifier does not match',
      });
    }
    const scopes = grant.scope.split(' ');
    const idToken =
      scopes.includes('openid') && scopes.includes('fhirUser')
        ? await new SignJWT({ fhirUser: grant.user })
            .setProtectedHeader({ alg: 'RS256', kid: ID_TOKEN_KID, typ: 'JWT' })
            .setIssuer(`${base(request)}${fhirBasePath}`)
            .setSubject(grant.user)
            .setAudience(grant.clientId)
            .setIssuedAt()
            .setExpirationTime('5m')
            .sign((await signingKeys).privateKey)
        : undefined;
    response.set('cache-control', 'no-store').json({
      access_token: token(),
      token_type: 'Bearer',
      expires_in: 300,
      scope: grant.scope,
      patient: grant.patient,
      ...(idToken ? { id_token: idToken } : {}),
    });
  });
  return router;
}
