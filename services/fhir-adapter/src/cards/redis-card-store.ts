import { KnowledgeReport, SuggestionSet } from '@aloe/shared/schemas';
import { openRedis } from '../redis/open-redis.js';
import { type CardOrigin, type CardStore, knowledgeOriginsOf, originsOf } from './card-store.js';

// Newer wins, atomically: the set is replaced only when the stored one is not newer (ISO timestamps
// compare as strings), so replicas applying redeliveries and late sets in any order agree.
const PUT_IF_NOT_OLDER = `
local current = redis.call('HGET', KEYS[1], 'at')
if current and current > ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'at', ARGV[1], 'value', ARGV[2])
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[3]))
return 1
`;

/**
 * The card store shared by every fhir-adapter replica, in Redis: `<prefix>set:<pseudonym>` holds the
 * patient's latest suggestion set, `<prefix>knowledge:<pseudonym>` the latest knowledge report,
 * `<prefix>card:<uuid>` each card's origin; all expire after `ttlSeconds`.
 * The sets carry suggestion texts and pseudonyms, never names or MRNs; keep the Redis private all the same.
 */
export async function createRedisCardStore(options: {
  url: string;
  keyPrefix: string;
  ttlSeconds: number;
}): Promise<CardStore> {
  const client = await openRedis(options.url, 'FHIR_ADAPTER_CARD_STORE_URL');
  const setKey = (pseudonym: string) => `${options.keyPrefix}set:${pseudonym}`;
  const knowledgeKey = (pseudonym: string) => `${options.keyPrefix}knowledge:${pseudonym}`;
  const cardKey = (cardId: string) => `${options.keyPrefix}card:${cardId}`;
  // Cards first, so a card served from the new value always resolves when its feedback arrives.
  const putNewest = async (key: string, at: string, value: unknown, origins: Array<[string, CardOrigin]>) => {
    const cards = client.multi();
    for (const [cardId, origin] of origins)
      cards.set(cardKey(cardId), JSON.stringify(origin), {
        expiration: { type: 'EX', value: options.ttlSeconds },
      });
    await cards.exec();
    await client.eval(PUT_IF_NOT_OLDER, {
      keys: [key],
      arguments: [at, JSON.stringify(value), String(options.ttlSeconds)],
    });
  };
  return {
    put: (set) => putNewest(setKey(set.patient.pseudonym), set.producedAt, set, originsOf(set)),
    async latest(patientPseudonym) {
      const stored = await client.hGet(setKey(patientPseudonym), 'value');
      return stored ? SuggestionSet.parse(JSON.parse(stored)) : undefined;
    },
    putKnowledge: (report) =>
      putNewest(
        knowledgeKey(report.patient.pseudonym),
        report.evaluatedAt,
        report,
        knowledgeOriginsOf(report),
      ),
    async latestKnowledge(patientPseudonym) {
      const stored = await client.hGet(knowledgeKey(patientPseudonym), 'value');
      return stored ? KnowledgeReport.parse(JSON.parse(stored)) : undefined;
    },
    async originOf(cardId) {
      const stored = await client.get(cardKey(cardId));
      return stored ? (JSON.parse(stored) as CardOrigin) : undefined;
    },
    async close() {
      await client.close();
    },
  };
}
