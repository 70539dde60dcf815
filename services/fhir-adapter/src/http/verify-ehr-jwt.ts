import { AppError, ErrorCode, UnavailableError } from '@aloe/shared/errors';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  decodeProtectedHeader,
  type JSONWebKeySet,
  type JWTVerifyGetKey,
  errors as joseErrors,
  jwtVerify,
} from 'jose';
import { memoryReplayStore, type ReplayStore } from './replay-store.js';

/** CDS Hooks 2.0 §Trusting CDS Clients: asymmetric algorithms only; `none` and HMAC are forbidden. */
export const ALLOWED_ALGORITHMS = ['RS384', 'ES384'] as const;

export interface EhrTrust {
  /** Allow-listed `iss` values (the EHRs we serve). */
  issuers: readonly string[];
  /** Allow-listed JWK Set URLs; a token's `jku` must be one of them. */
  jkuAllowList: readonly string[];
  /** Keys configured out of band, for EHRs that send no `jku`. */
  jwks?: JSONWebKeySet | undefined;
  /** Seconds of clock skew tolerated on exp/iat. */
  clockToleranceSeconds?: number;
  /** A token older than this (by iat) is refused even if exp is later. */
  maxAgeSeconds?: number;
  /** Tenants a token may name (`tenant`); unset = any. */
  tenants?: readonly string[] | undefined;
}

export interface VerifiedEhrCall {
  issuer: string;
  jti: string;
  /** The CDS client (CDS Hooks 2.0: the EHR's client id), not the clinician: the hook's userId names them. */
  subject: string;
  tenant?: string | undefined;
}

const unauthorized = (message: string, cause?: unknown) =>
  new AppError(ErrorCode.Unauthorized, message, cause === undefined ? {} : { cause });

/**
 * Verifies the EHR's bearer JWT on a CDS Hooks call: RS384/ES384 only, header `typ` JWT and `kid`
 * required, the key from an allow-listed `jku` or the configured JWKS, `iss` allow-listed, `aud` equal
 * to the URL that was called, `sub` present, `exp`/`iat` checked, `tenant` allow-listed when tenants are
 * configured, and a `jti` the issuer used before refused (replay; remembered in `replay`, shared by the
 * replicas when it is Redis). Each failure says why, without echoing the token.
 */
export function createEhrJwtVerifier(
  trust: EhrTrust,
  options: { now?: () => number; replay?: ReplayStore } = {},
) {
  const now = options.now ?? (() => Date.now());
  const remoteSets = new Map<string, JWTVerifyGetKey>();
  const localSet = trust.jwks ? createLocalJWKSet(trust.jwks) : undefined;
  const toleranceMs = (trust.clockToleranceSeconds ?? 30) * 1000;
  const maxAgeMs = (trust.maxAgeSeconds ?? 300) * 1000;
  const seenJtis = options.replay ?? memoryReplayStore();

  const keyFor = (jku: string | undefined): JWTVerifyGetKey => {
    if (jku !== undefined) {
      if (!trust.jkuAllowList.includes(jku)) throw unauthorized(`jku ${jku} is not on the allow-list`);
      let set = remoteSets.get(jku);
      if (!set) {
        set = createRemoteJWKSet(new URL(jku), { timeoutDuration: 3_000, cooldownDuration: 30_000 });
        remoteSets.set(jku, set);
      }
      return set;
    }
    if (!localSet) throw unauthorized('the token has no jku and no keys are configured for this EHR');
    return localSet;
  };

  return async function verifyEhrJwt(
    authorization: string | undefined,
    calledUrl: string,
  ): Promise<VerifiedEhrCall> {
    const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    if (!token)
      throw unauthorized('a Bearer JWT from the EHR is required (CDS Hooks 2.0 §Trusting CDS Clients)');
    let header: ReturnType<typeof decodeProtectedHeader>;
    try {
      header = decodeProtectedHeader(token);
    } catch (error) {
      throw unauthorized('the bearer token is not a JWT', error);
    }
    if (!ALLOWED_ALGORITHMS.includes(header.alg as (typeof ALLOWED_ALGORITHMS)[number])) {
      throw unauthorized(`alg ${String(header.alg)} is not allowed; use RS384 or ES384`);
    }
    if (!header.kid) throw unauthorized('the JWT header has no kid');
    if (typeof header.typ !== 'string' || header.typ.toUpperCase() !== 'JWT')
      throw unauthorized('the JWT header typ must be JWT (CDS Hooks 2.0 §Trusting CDS Clients)');
    const getKey = keyFor(header.jku);

    let payload: Awaited<ReturnType<typeof jwtVerify>>['payload'];
    try {
      ({ payload } = await jwtVerify(token, getKey, {
        algorithms: [...ALLOWED_ALGORITHMS],
        issuer: [...trust.issuers],
        audience: calledUrl,
        clockTolerance: toleranceMs / 1000,
        maxTokenAge: maxAgeMs / 1000,
        requiredClaims: ['iss', 'sub', 'aud', 'exp', 'iat', 'jti'],
        currentDate: new Date(now()),
      }));
    } catch (error) {
      throw unauthorized(describeJoseError(error), error);
    }

    const jti = String(payload.jti);
    // A jti is unique per issuer (RFC 7519 §4.1.7); it is remembered while its token could still pass
    // the checks above: until exp, or iat + the maximum age if sooner, plus the clock tolerance.
    const acceptableUntilMs = Math.min((payload.exp ?? 0) * 1000, (payload.iat ?? 0) * 1000 + maxAgeMs);
    const tenant = typeof payload.tenant === 'string' ? payload.tenant : undefined;
    if (trust.tenants && !(tenant !== undefined && trust.tenants.includes(tenant)))
      throw new AppError(ErrorCode.Forbidden, `tenant ${tenant ?? '(none)'} is not one this service serves`);
    const fresh = await seenJtis
      .remember(`${String(payload.iss)}\n${jti}`, acceptableUntilMs + toleranceMs, now())
      .catch((cause: unknown) => {
        throw new UnavailableError('the token replay store is unavailable; try again', { cause });
      });
    if (!fresh) throw unauthorized('this jti was already used (replayed token)');
    return { issuer: String(payload.iss), jti, subject: String(payload.sub), tenant };
  };
}
export type EhrJwtVerifier = ReturnType<typeof createEhrJwtVerifier>;

function describeJoseError(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'the JWT has expired';
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.claim === 'aud') return 'the JWT aud is not the URL that was called';
    if (error.claim === 'iss') return 'the JWT iss is not an allow-listed EHR';
    if (error.claim === 'iat') return 'the JWT iat is in the future or too old';
    if (error.claim === 'sub') return 'the JWT has no sub (the CDS client id)';
    return `the JWT claim ${error.claim} is invalid (${error.reason})`;
  }
  if (error instanceof joseErrors.JWKSNoMatchingKey) return 'no key matches the JWT kid';
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'the JWT signature does not verify';
  if (error instanceof joseErrors.JWKSTimeout) return 'the EHR JWK Set did not answer in time';
  return `the JWT was refused: ${(error as Error).message}`;
}
