import { createHash } from 'node:crypto';
import type { RedisClientType } from '@redis/client';
import { ReplayMemory } from './replay-memory.js';

/**
 * Where the ids of accepted tokens are remembered until their tokens expire, so a replayed token is
 * refused. One replica: in memory. Several: Redis, shared, so a token replayed to another replica is
 * refused too.
 */
export interface ReplayStore {
  /** False when `id` is already remembered and not expired (a replay); otherwise remembers it until `untilMs`. */
  remember(id: string, untilMs: number, nowMs: number): Promise<boolean>;
}

export function memoryReplayStore(): ReplayStore {
  const memory = new ReplayMemory();
  return { remember: async (id, untilMs, nowMs) => memory.remember(id, untilMs, nowMs) };
}

/** `SET <prefix>jti:<sha256(id)> 1 NX PXAT until`: atomic across replicas; Redis forgets it at expiry. */
export function redisReplayStore(client: Pick<RedisClientType, 'set'>, keyPrefix: string): ReplayStore {
  return {
    async remember(id, untilMs, nowMs) {
      const key = `${keyPrefix}jti:${createHash('sha256').update(id).digest('hex')}`;
      const stored = await client.set(key, '1', {
        condition: 'NX',
        expiration: { type: 'PXAT', value: Math.max(untilMs, nowMs + 1) },
      });
      return stored === 'OK';
    },
  };
}
