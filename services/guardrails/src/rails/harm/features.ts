/** Number of hashed feature buckets (2^15): small enough to ship, large enough for word pairs. */
export const FEATURE_BUCKETS = 1 << 15;

/** FNV-1a 32-bit: a fast, stable hash for the hashing trick. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * Sparse features of a text: lower-cased words and word pairs, hashed into FEATURE_BUCKETS, with
 * log-scaled counts and L2 normalisation. Pure and deterministic.
 */
export function textFeatures(text: string): Map<number, number> {
  const words = text.toLowerCase().match(/[a-z0-9']+/g) ?? [];
  const counts = new Map<number, number>();
  const add = (token: string) => {
    const bucket = fnv1a(token) % FEATURE_BUCKETS;
    counts.set(bucket, (counts.get(bucket) ?? 0) + 1);
  };
  for (let i = 0; i < words.length; i++) {
    add(words[i]!);
    if (i + 1 < words.length) add(`${words[i]} ${words[i + 1]}`);
  }
  let norm = 0;
  for (const [bucket, count] of counts) {
    const value = 1 + Math.log(count);
    counts.set(bucket, value);
    norm += value * value;
  }
  norm = Math.sqrt(norm) || 1;
  for (const [bucket, value] of counts) counts.set(bucket, value / norm);
  return counts;
}
