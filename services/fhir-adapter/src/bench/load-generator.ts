// A load generator in a worker thread: it signs each call's EHR JWT and sends the calls, `concurrency`
// at a time, so the client's work does not run on the server's event loop (one process, two threads).
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';
import { importJWK, SignJWT } from 'jose';

export interface LoadPlan {
  url: string;
  /** The JWT `aud`: the URL the EHR calls, as the service sees it. */
  audience: string;
  issuer: string;
  /** The JWT `sub`: the EHR's CDS client id (required by CDS Hooks 2.0). */
  subject: string;
  privateJwk: Record<string, unknown>;
  alg: 'ES384' | 'RS384';
  kid: string;
  body: string;
  concurrency: number;
  /** Rounds sent first and not measured: the adapter's JIT warms up, as a service in production is. */
  warmupRounds: number;
  rounds: number;
  /** The answer must carry this many cards (a check that the work was done). */
  expectedCards: number;
}

export interface LoadResult {
  latenciesMs: number[];
  wallMs: number;
}

const plan = workerData as LoadPlan;
const key = await importJWK(plan.privateJwk as never, plan.alg);
const sign = () =>
  new SignJWT({})
    .setProtectedHeader({ alg: plan.alg, kid: plan.kid, typ: 'JWT' })
    .setIssuer(plan.issuer)
    .setSubject(plan.subject)
    .setAudience(plan.audience)
    .setIssuedAt()
    .setExpirationTime('5m')
    .setJti(randomUUID())
    .sign(key);

// node:http with kept-alive sockets: a lighter client than fetch, so the load generator takes less of the
// machine's two cores from the service it measures.
const agent = new Agent({ keepAlive: true, maxSockets: plan.concurrency });
const post = (token: string) =>
  new Promise<{ status: number; body: string }>((resolve, reject) => {
    const call = request(
      plan.url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${token}`,
          'content-length': Buffer.byteLength(plan.body),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    call.once('error', reject);
    call.end(plan.body);
  });

const latenciesMs: number[] = [];
let startedAt = performance.now();
for (let round = 0; round < plan.warmupRounds + plan.rounds; round++) {
  if (round === plan.warmupRounds) {
    latenciesMs.length = 0;
    startedAt = performance.now();
  }
  const tokens = await Promise.all(Array.from({ length: plan.concurrency }, sign));
  await Promise.all(
    tokens.map(async (token) => {
      const sentAt = performance.now();
      const response = await post(token);
      const json = JSON.parse(response.body) as { cards?: unknown[] };
      if (response.status !== 200 || json.cards?.length !== plan.expectedCards)
        throw new Error(`unexpected answer: HTTP ${response.status}, ${json.cards?.length} cards`);
      latenciesMs.push(performance.now() - sentAt);
    }),
  );
}
parentPort!.postMessage({ latenciesMs, wallMs: performance.now() - startedAt } satisfies LoadResult);
agent.destroy();
