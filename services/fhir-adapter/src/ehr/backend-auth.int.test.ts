// SMART Backend Services against a local token endpoint that checks the assertion as an EHR would.
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { decodeProtectedHeader, importSPKI, jwtVerify } from 'jose';
import { createBackendAuth } from './backend-auth.js';

const CLIENT_ID = 'aloe-fhir-adapter';
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-384' });
const pem = (
  key: { export: (options: { type: 'pkcs8' | 'spki'; format: 'pem' }) => string | Buffer },
  type: 'pkcs8' | 'spki',
) => key.export({ type, format: 'pem' }).toString();

let server: Server;
let tokenUrl: string;
const seenJtis = new Set<string>();
const assertions: Array<{ alg: string; kid: string; exp: number; iat: number }> = [];
let issued = 0;
let expiresIn = 300;

beforeAll(async () => {
  // The EHR's token endpoint: verifies the client assertion with the registered public keys.
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', async () => {
      const form = new URLSearchParams(body);
      const reply = (status: number, json: object) =>
        response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
      try {
        expect(form.get('grant_type')).toBe('client_credentials');
        expect(form.get('client_assertion_type')).toBe(
          'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        );
        const assertion = form.get('client_assertion')!;
        const header = decodeProtectedHeader(assertion);
        const publicPem = header.alg === 'RS384' ? pem(rsa.publicKey, 'spki') : pem(ec.publicKey, 'spki');
        const { payload } = await jwtVerify(assertion, await importSPKI(publicPem, header.alg!), {
          issuer: CLIENT_ID,
          subject: CLIENT_ID,
          audience: tokenUrl,
          algorithms: ['RS384', 'ES384'],
        });
        if (seenJtis.has(payload.jti!)) return reply(400, { error: 'invalid_client' });
        seenJtis.add(payload.jti!);
        assertions.push({ alg: header.alg!, kid: header.kid!, exp: payload.exp!, iat: payload.iat! });
        issued++;
        reply(200, {
          access_token: `token-${issued}`,
          token_type: 'bearer',
          expires_in: expiresIn,
          scope: form.get('scope'),
        });
      } catch {
        reply(401, { error: 'invalid_client' });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  tokenUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  assertions.length = 0;
  issued = 0;
  expiresIn = 300;
});

describe('SMART Backend Services', () => {
  it.each([
    ['an RSA key', 'RS384', () => pem(rsa.privateKey, 'pkcs8')],
    ['a P-384 key', 'ES384', () => pem(ec.privateKey, 'pkcs8')],
  ])(
    'signs the assertion with %s as %s, with a ≤ 5-minute expiry and a unique jti',
    async (_what, alg, key) => {
      const auth = await createBackendAuth({
        tokenUrl,
        clientId: CLIENT_ID,
        privateKeyPem: key(),
        keyId: 'k1',
        scopes: 'system/*.rs',
      });
      expect(await auth.getAccessToken()).toBe('token-1');
      expect(assertions[0]).toMatchObject({ alg, kid: 'k1' });
      expect(assertions[0]!.exp - assertions[0]!.iat).toBeLessThanOrEqual(300);
    },
  );

  it('caches the token until shortly before it expires, then asks again with a new jti', async () => {
    let now = Date.now();
    const auth = await createBackendAuth({
      tokenUrl,
      clientId: CLIENT_ID,
      privateKeyPem: pem(ec.privateKey, 'pkcs8'),
      keyId: 'k1',
      scopes: 'system/*.rs',
      now: () => now,
    });
    const [a, b] = await Promise.all([auth.getAccessToken(), auth.getAccessToken()]);
    expect([a, b]).toEqual(['token-1', 'token-1']);
    now += 200_000;
    expect(await auth.getAccessToken()).toBe('token-1');
    now += 80_000; // 280 s: inside the 30 s renewal margin
    expect(await auth.getAccessToken()).toBe('token-2');
    expect(issued).toBe(2);
  });

  it('fails clearly when the EHR refuses the client, and at start-up for an unusable key', async () => {
    const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const auth = await createBackendAuth({
      tokenUrl,
      clientId: CLIENT_ID,
      privateKeyPem: pem(stranger.privateKey, 'pkcs8'),
      keyId: 'k1',
      scopes: 'system/*.rs',
    });
    await expect(auth.getAccessToken()).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
      message: expect.stringMatching(/HTTP 401 \(invalid_client\)/),
    });
    const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    await expect(
      createBackendAuth({
        tokenUrl,
        clientId: CLIENT_ID,
        privateKeyPem: pem(p256.privateKey, 'pkcs8'),
        keyId: 'k1',
        scopes: 'x',
      }),
    ).rejects.toThrow(/needs an RSA or P-384 EC key, got ec prime256v1/);
    await expect(
      createBackendAuth({
        tokenUrl,
        clientId: CLIENT_ID,
        privateKeyPem: 'not a key',
        keyId: 'k1',
        scopes: 'x',
      }),
    ).rejects.toThrow(/not a PEM private key/);
  });
});
