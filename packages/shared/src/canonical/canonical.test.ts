import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { canonicalJson } from './canonical-json.js';
import { deterministicUuid } from './deterministic-uuid.js';

describe('canonicalJson (RFC 8785)', () => {
  it('sorts keys at every level and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { f: 1, e: 2 }], c: 2 } })).toBe(
      '{"a":{"c":2,"d":[3,{"e":2,"f":1}]},"b":1}',
    );
  });

  it('writes numbers in their ECMAScript form and sorts by UTF-16 code units (RFC 8785 §3.2.3 example)', () => {
    expect(canonicalJson({ numbers: [1e21, 1e-7, 0.000001, -0, 333333333.3333333] })).toBe(
      '{"numbers":[1e+21,1e-7,0.000001,0,333333333.3333333]}',
    );
    expect(canonicalJson({ '\u20ac': 1, '\r': 2, '\ud83d\ude00': 3, '\u00f6': 4 })).toBe(
      '{"\\r":2,"ö":4,"€":1,"😀":3}',
    );
  });

  it('refuses a value with no JSON form', () => {
    expect(() => canonicalJson(undefined)).toThrow(/no JSON form/);
  });
});

describe('deterministicUuid', () => {
  it('gives the same valid version-8 UUID for the same parts, another for other parts', () => {
    const id = deterministicUuid('suggestion-set', 'c1');
    expect(deterministicUuid('suggestion-set', 'c1')).toBe(id);
    expect(deterministicUuid('suggestion-set', 'c2')).not.toBe(id);
    expect(z.uuid().safeParse(id).success).toBe(true);
    expect(id[14]).toBe('8');
    expect(['8', '9', 'a', 'b']).toContain(id[19]);
  });
});
