import { createPrivateKey, randomUUID } from 'node:crypto';
import { AppError, ErrorCode, UnavailableError } from '@aloe/shared/errors';
import { importPKCS8, SignJWT } from 'jose';

export interface BackendAuthOptions {
  tokenUrl: string;
  clientId: string;
  /** PKCS#8 PEM of an RSA (→ RS384) or P-384 EC (→ ES384) private key. */
  privateKeyPem: string;
  keyId: string;
  scopes: string;
  /** Optional registered JWK Set URL, sent as `jku`. */
  jku?: string | undefined;
  fetch?: typeof fetch;
  now?: () => number;
}

export interface AccessTokenProvider {
  getAccessToken(): Promise<string>;
}

/** Seconds before expiry at which a cached token is renewed. */
const RENEW_BEFORE_SECONDS = 30;
/** SMART Backend Services: the assertion lives at most five minutes. */
const ASSERTION_LIFETIME_SECONDS = 300;

/**
 * SMART Backend Services (client_credentials with a signed JWT assertion; HL7 SMART App Launch 2.x
 * §Backend Services): RS384 or ES384 by key type, `iss` = `sub` = client id, `aud` = token URL, a
 * five-minute `exp` and a fresh `jti` per request. The access token is cached until shortly before it
 * expires. A key that cannot sign fails at start-up (`createBackendAuth` rejects), naming the problem.
 */
export async function createBackendAuth(options: BackendAuthOptions): Promise<AccessTokenProvider> {
  const fetchImpl = options.fetch ?? fetch;
  const now = options.now ?? (() => Date.now());
  const { key, alg } = await importSigningKey(options.privateKeyPem);
  let cached: { token: string; expiresAt: number } | undefined;
  let inFlight: Promise<string> | undefined;

  const requestToken = async (): Promise<string> => {
    const issuedAt = Math.floor(now() / 1000);
    const assertion = await new SignJWT({})
      .setProtectedHeader({
        alg,
        kid: options.keyId,
        typ: 'JWT',
        ...(options.jku ? { jku: options.jku } : {}),
      })
      .setIssuer(options.clientId)
      .setSubject(options.clientId)
      .setAudience(options.tokenUrl)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + ASSERTION_LIFETIME_SECONDS)
      .setJti(randomUUID())
      .sign(key);
    let response: Response;
    try {
      response = await fetchImpl(options.tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          scope: options.scopes,
          client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
          client_assertion: assertion,
        }),
        signal: AbortSignal.timeout(10_000),
      });
    } catch (error) {
      throw new UnavailableError(`The token endpoint did not answer: ${(error as Error).message}`, {
        cause: error,
      });
    }
    const body = (await response.json().catch(() => ({}))) as {
      access_token?: string;
      expires_in?: number;
      error?: string;
    };
    if (!response.ok || !body.access_token) {
      const reason = body.error ? ` (${body.error})` : '';
      if (response.status >= 500)
        throw new UnavailableError(`The token endpoint failed: HTTP ${response.status}${reason}`);
      throw new AppError(
        ErrorCode.Unauthorized,
        `The EHR refused our client credentials: HTTP ${response.status}${reason}`,
      );
    }
    cached = { token: body.access_token, expiresAt: now() + (body.expires_in ?? 300) * 1000 };
    return body.access_token;
  };

  return {
    async getAccessToken() {
      if (cached && cached.expiresAt - RENEW_BEFORE_SECONDS * 1000 > now()) return cached.token;
      // One request at a time: concurrent callers share it.
      inFlight ??= requestToken().finally(() => {
        inFlight = undefined;
      });
      return inFlight;
    },
  };
}

/** A static bearer token (an EHR that issues long-lived tokens, or a gateway that adds its own). */
export function staticBearer(token: string): AccessTokenProvider {
  return { getAccessToken: async () => token };
}

async function importSigningKey(
  pem: string,
): Promise<{ key: Awaited<ReturnType<typeof importPKCS8>>; alg: 'RS384' | 'ES384' }> {
  let type: string | undefined;
  let curve: string | undefined;
  try {
    const keyObject = createPrivateKey(pem);
    type = keyObject.asymmetricKeyType;
    curve = keyObject.asymmetricKeyDetails?.namedCurve;
  } catch (error) {
    throw new AppError(ErrorCode.Config, 'FHIR_ADAPTER_SMART_PRIVATE_KEY: not a PEM private key', {
      cause: error,
    });
  }
  const alg = type === 'rsa' ? 'RS384' : type === 'ec' && curve === 'secp384r1' ? 'ES384' : undefined;
  if (!alg) {
    throw new AppError(
      ErrorCode.Config,
      `FHIR_ADAPTER_SMART_PRIVATE_KEY: needs an RSA or P-384 EC key, got ${type}${curve ? ` ${curve}` : ''}`,
    );
  }
  const pkcs8 = createPrivateKey(pem).export({ type: 'pkcs8', format: 'pem' }).toString();
  return { key: await importPKCS8(pkcs8, alg), alg };
}
