import canonicalize from 'canonicalize';

/**
 * The JSON Canonicalization Scheme (RFC 8785): object keys sorted by UTF-16 code units, ECMAScript
 * number forms, no whitespace. The same content always gives the same text (JSONB and JSON.parse
 * reorder nothing we can rely on), so its hash can key, chain and sign.
 */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('canonicalJson: the value has no JSON form (undefined)');
  return text;
}
