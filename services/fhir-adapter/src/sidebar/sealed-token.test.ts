import { describe, expect, it } from '@jest/globals';
import { createTokenSealer } from './sealed-token.js';

describe('sealed sidebar tokens', () => {
  const sessions = createTokenSealer('a-secret-of-the-deployment', 'session');

  it('open on any replica with the same secret, and hide their content', () => {
    const token = sessions.seal({ pseudonym: 'pseudonym-0000001' }, 60_000);
    expect(createTokenSealer('a-secret-of-the-deployment', 'session').open(token)).toEqual({
      pseudonym: 'pseudonym-0000001',
    });
    expect(Buffer.from(token, 'base64url').toString('latin1')).not.toContain('pseudonym');
  });

  it('refuse an altered token, another key, another purpose and an expired token', () => {
    const token = sessions.seal({ pseudonym: 'pseudonym-0000001' }, 60_000);
    const bytes = Buffer.from(token, 'base64url');
    bytes[bytes.length - 1]! ^= 1;
    expect(sessions.open(bytes.toString('base64url'))).toBeUndefined();
    expect(createTokenSealer('another-secret', 'session').open(token)).toBeUndefined();
    expect(createTokenSealer('a-secret-of-the-deployment', 'launch').open(token)).toBeUndefined();
    expect(sessions.open(sessions.seal({ pseudonym: 'x' }, -1))).toBeUndefined();
    expect(sessions.open('not a token')).toBeUndefined();
  });
});
