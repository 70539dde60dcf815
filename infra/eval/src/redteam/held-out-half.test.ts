import { describe, expect, it } from '@jest/globals';
import { isTrainingExample } from './held-out-half.js';

describe('isTrainingExample', () => {
  it("splits by the first byte of the text's SHA-256, as the guardrails' training does", () => {
    // sha256("hello") = 2cf24d…: below 0x80, trained on; sha256("abc") = ba7816…: held out.
    expect(isTrainingExample('hello')).toBe(true);
    expect(isTrainingExample('abc')).toBe(false);
    // Byte for byte, no trimming: sha256("abc ") = 54…, trained on.
    expect(isTrainingExample('abc ')).toBe(true);
  });
});
