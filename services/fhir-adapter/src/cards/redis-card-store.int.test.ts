// The shared card store on a real Redis: a private redis-server (Debian's `redis-server`) on a free
// port, so a test can also stop it. Two stores on it stand for two fhir-adapter replicas.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import type { Feedback, SuggestionSet } from '@aloe/shared/schemas';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createClient } from '@redis/client';
import request from 'supertest';
import { openCdsApp } from '../../test/open-cds-app.js';
import { setFor } from '../../test/suggestion-set.js';
import { redisReplayStore } from '../http/replay-store.js';
import { openRedis } from '../redis/open-redis.js';
import type { CardStore } from './card-store.js';
import { createRedisCardStore } from './redis-card-store.js';
import { cardUuid } from './suggestion-to-card.js';

const hasRedisServer = (() => {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
if (!hasRedisServer)
  console.warn('redis-card-store tests skipped: no redis-server on PATH (apt install redis-server)');
const describeWithRedis = hasRedisServer ? describe : describe.skip;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('Ready to accept connections')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}`)));
  });
  return child;
}

/** A set with its own ids, produced at `producedAt`, whose first suggestion is titled `title`. */
function setAt(
  pseudonym: string,
  producedAt: string,
  title = 'Warfarin with ibuprofen raises bleeding risk',
): SuggestionSet {
  const set = setFor(pseudonym);
  return {
    ...set,
    setId: crypto.randomUUID(),
    contextId: crypto.randomUUID(),
    producedAt,
    suggestions: set.suggestions.map((suggestion, i) => (i === 0 ? { ...suggestion, title } : suggestion)),
  };
}

describeWithRedis('the Redis card store, shared by replicas', () => {
  let redis: ChildProcess;
  let url: string;
  let replicaA: CardStore;
  let replicaB: CardStore;
  const keyPrefix = `test:${crypto.randomUUID()}:`;

  beforeAll(async () => {
    const port = await freePort();
    redis = await startRedis(port);
    url = `redis://127.0.0.1:${port}`;
    replicaA = await createRedisCardStore({ url, keyPrefix, ttlSeconds: 3_600 });
    replicaB = await createRedisCardStore({ url, keyPrefix, ttlSeconds: 3_600 });
  });
  afterAll(async () => {
    await Promise.allSettled([replicaA?.close(), replicaB?.close()]);
    redis?.kill();
  });

  it('serves on one replica the set another replica stored, and resolves its cards, with an expiry', async () => {
    const set = setAt('pseudonym-shared-0001', '2026-11-24T08:00:00.000Z');
    await replicaA.put(set);
    expect(await replicaB.latest('pseudonym-shared-0001')).toEqual(set);
    expect(await replicaB.originOf(cardUuid(set.setId, 's1'))).toEqual({
      patientPseudonym: 'pseudonym-shared-0001',
      setId: set.setId,
      suggestionId: 's1',
    });
    expect(await replicaB.latest('pseudonym-nobody-0001')).toBeUndefined();
    const raw = createClient({ url });
    await raw.connect();
    const ttl = await raw.ttl(`${keyPrefix}set:pseudonym-shared-0001`);
    const cardTtl = await raw.ttl(`${keyPrefix}card:${cardUuid(set.setId, 's1')}`);
    await raw.close();
    for (const seconds of [ttl, cardTtl]) {
      expect(seconds).toBeGreaterThan(3_500);
      expect(seconds).toBeLessThanOrEqual(3_600);
    }
  });

  it('keeps the newest set whatever order the replicas store them in', async () => {
    const newer = setAt('pseudonym-order-0001', '2026-11-24T09:00:00.000Z', 'Newer');
    const older = setAt('pseudonym-order-0001', '2026-11-24T08:00:00.000Z', 'Older');
    await replicaA.put(newer);
    await replicaB.put(older); // a late redelivery of an older set
    expect((await replicaA.latest('pseudonym-order-0001'))?.suggestions[0]?.title).toBe('Newer');
    const newest = setAt('pseudonym-order-0001', '2026-11-24T10:00:00.000Z', 'Newest');
    await replicaB.put(newest);
    expect((await replicaA.latest('pseudonym-order-0001'))?.suggestions[0]?.title).toBe('Newest');
  });

  it('answers a CDS Hooks call and its feedback on the replica that did not consume the set', async () => {
    const set = setAt('pseudonym-cds-00001', '2026-11-24T08:00:00.000Z');
    await replicaA.put(set);
    const published: Feedback[] = [];
    const replicaBApp = openCdsApp({
      cards: replicaB,
      pseudonym: set.patient.pseudonym,
      publishFeedback: async (feedback) => {
        published.push(...feedback);
      },
    });
    const hook = {
      hookInstance: crypto.randomUUID(),
      hook: 'patient-view',
      context: { userId: 'Practitioner/example', patientId: '1288992' },
    };
    const response = await request(replicaBApp)
      .post('/cds-services/aloe-patient-view')
      .send(hook)
      .expect(200);
    expect(response.body.cards.map((card: { uuid: string }) => card.uuid)).toEqual([
      cardUuid(set.setId, 's1'),
    ]);
    const feedback = await request(replicaBApp)
      .post('/cds-services/aloe-patient-view/feedback')
      .send({
        feedback: [
          { card: cardUuid(set.setId, 's1'), outcome: 'accepted', outcomeTimestamp: '2026-11-24T08:05:00Z' },
        ],
      })
      .expect(200);
    expect(feedback.body).toEqual({ accepted: 1, unknownCards: 0 });
    expect(published).toMatchObject([{ patientPseudonym: set.patient.pseudonym, suggestionId: 's1' }]);
  });
});

describeWithRedis('when Redis is not there', () => {
  it('refuses to start with an error naming the setting, within seconds', async () => {
    const port = await freePort();
    const startedAt = Date.now();
    await expect(
      createRedisCardStore({ url: `redis://:secret@127.0.0.1:${port}`, keyPrefix: 'x:', ttlSeconds: 60 }),
    ).rejects.toThrow(
      /^FHIR_ADAPTER_CARD_STORE_URL: cannot reach Redis at redis:\/\/\*\*\*@127\.0\.0\.1:\d+ /,
    );
    expect(Date.now() - startedAt).toBeLessThan(10_000);
  });

  it('serves the pending card at once when Redis goes away after start-up', async () => {
    const port = await freePort();
    const redis = await startRedis(port);
    const store = await createRedisCardStore({
      url: `redis://127.0.0.1:${port}`,
      keyPrefix: 'x:',
      ttlSeconds: 60,
    });
    try {
      redis.kill();
      await new Promise((resolve) => redis.once('exit', resolve));
      const app = openCdsApp({ cards: store, pseudonym: 'pseudonym-gone-0001' });
      const startedAt = Date.now();
      const response = await request(app)
        .post('/cds-services/aloe-patient-view')
        .send({
          hookInstance: crypto.randomUUID(),
          hook: 'patient-view',
          context: { userId: 'Practitioner/example', patientId: '1288992' },
        })
        .expect(200);
      expect(Date.now() - startedAt).toBeLessThan(500);
      expect(response.body.cards).toHaveLength(1);
      expect(response.body.cards[0].summary).toMatch(/is reviewing this chart/);
      const feedback = await request(app)
        .post('/cds-services/aloe-patient-view/feedback')
        .send({
          feedback: [
            { card: crypto.randomUUID(), outcome: 'accepted', outcomeTimestamp: '2026-11-24T08:05:00Z' },
          ],
        });
      expect(feedback.status).toBe(503);
      expect(feedback.body.resourceType).toBe('OperationOutcome');
    } finally {
      redis.kill();
      await store.close().catch(() => undefined);
    }
  });
});

describeWithRedis('the token replay store on Redis, shared by replicas', () => {
  it('remembers a jti for one replica and refuses it at another until it expires', async () => {
    const port = await freePort();
    const redis = await startRedis(port);
    const url = `redis://127.0.0.1:${port}`;
    const [clientA, clientB] = [await openRedis(url, 'TEST'), await openRedis(url, 'TEST')];
    try {
      const [replicaA, replicaB] = [redisReplayStore(clientA, 'test:'), redisReplayStore(clientB, 'test:')];
      const now = Date.now();
      expect(await replicaA.remember('https://ehr.example/\njti-1', now + 60_000, now)).toBe(true);
      expect(await replicaB.remember('https://ehr.example/\njti-1', now + 60_000, now)).toBe(false);
      // Keyed by issuer: another EHR may use the same jti.
      expect(await replicaB.remember('https://other-ehr.example/\njti-1', now + 60_000, now)).toBe(true);
      // Forgotten when the token could no longer pass anyway.
      expect(await replicaA.remember('https://ehr.example/\njti-2', Date.now() + 50, now)).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 120));
      expect(await replicaB.remember('https://ehr.example/\njti-2', Date.now() + 60_000, Date.now())).toBe(
        true,
      );
    } finally {
      await Promise.all([clientA.close(), clientB.close()]);
      redis.kill();
    }
  });
});
