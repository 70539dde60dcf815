// An EHR's side of CDS Hooks trust, for tests: key pairs, their JWK Set, and signed bearer JWTs.
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';

export const EHR_ISSUER = 'https://ehr.example.org/';

export async function createEhrSigner() {
  const es = await generateKeyPair('ES384', { extractable: true });
  const rs = await generateKeyPair('RS384', { extractable: true });
  const publicJwk = async (key: Parameters<typeof exportJWK>[0], kid: string, alg: string): Promise<JWK> => ({
    ...(await exportJWK(key)),
    kid,
    alg,
    use: 'sig',
  });
  const jwks = {
    keys: [
      await publicJwk(es.publicKey, 'ehr-es384', 'ES384'),
      await publicJwk(rs.publicKey, 'ehr-rs384', 'RS384'),
    ],
  };

  /** A signed CDS Hooks JWT for `aud`; every part can be overridden to make a bad one. */
  const sign = async (
    aud: string,
    overrides: {
      alg?: 'ES384' | 'RS384';
      kid?: string;
      jku?: string;
      iss?: string;
      expSeconds?: number;
      iatSeconds?: number;
      jti?: string;
      /** null: leave the claim or header out. */
      sub?: string | null;
      typ?: string | null;
      tenant?: string;
    } = {},
  ) => {
    const alg = overrides.alg ?? 'ES384';
    const nowSeconds = Math.floor(Date.now() / 1000);
    const token = new SignJWT({ tenant: overrides.tenant ?? 'tenant-1' })
      .setProtectedHeader({
        alg,
        ...(overrides.typ === null ? {} : { typ: overrides.typ ?? 'JWT' }),
        kid: overrides.kid ?? (alg === 'ES384' ? 'ehr-es384' : 'ehr-rs384'),
        ...(overrides.jku ? { jku: overrides.jku } : {}),
      })
      .setIssuer(overrides.iss ?? EHR_ISSUER)
      .setAudience(aud)
      .setIssuedAt(overrides.iatSeconds ?? nowSeconds)
      .setExpirationTime(overrides.expSeconds ?? nowSeconds + 300)
      .setJti(overrides.jti ?? randomUUID());
    if (overrides.sub !== null) token.setSubject(overrides.sub ?? 'ehr-cds-client');
    return token.sign(alg === 'ES384' ? es.privateKey : rs.privateKey);
  };
  return { jwks, sign };
}

/** An unsigned token (`alg: none`), which a CDS service must refuse. */
export function unsignedToken(aud: string): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  return `${encode({ alg: 'none', typ: 'JWT', kid: 'x' })}.${encode({ iss: EHR_ISSUER, aud, iat: now, exp: now + 300, jti: randomUUID() })}.`;
}

/** An HS256 token signed with a shared secret, which a CDS service must refuse. */
export async function hmacToken(aud: string): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: 'ehr-es384' })
    .setIssuer(EHR_ISSUER)
    .setAudience(aud)
    .setIssuedAt()
    .setExpirationTime('5m')
    .setJti(randomUUID())
    .sign(new TextEncoder().encode('a-shared-secret-the-ehr-and-we-should-never-use'));
}
