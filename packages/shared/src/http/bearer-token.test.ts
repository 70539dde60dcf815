import { describe, expect, it } from '@jest/globals';
import { type AppError, ErrorCode } from '../errors/app-error.js';
import { bearerTokenOf, requireBearer, tokenMatches } from './bearer-token.js';

describe('bearer tokens', () => {
  it('reads the token of a Bearer header only', () => {
    expect(bearerTokenOf('Bearer abc.def')).toBe('abc.def');
    expect(bearerTokenOf('bearer  abc')).toBe('abc');
    expect(bearerTokenOf('Basic abc')).toBeUndefined();
    expect(bearerTokenOf(undefined)).toBeUndefined();
  });

  it('matches one of the expected tokens, of any length', () => {
    expect(tokenMatches('second', ['first', 'second'])).toBe(true);
    expect(tokenMatches('secon', ['first', 'second'])).toBe(false);
    expect(tokenMatches('x', [])).toBe(false);
  });

  it('refuses (401) without or with an unknown token, 403 for a forbidden one, and lets the right one through', () => {
    const guard = requireBearer(['good'], { forbidden: ['staff'], what: 'x' });
    const outcome = (authorization?: string) => {
      let result: unknown = 'not called';
      guard({ headers: { authorization } } as never, {} as never, (error?: unknown) => {
        result = error;
      });
      return result === undefined ? 'passed' : (result as AppError).code;
    };
    expect(outcome()).toBe(ErrorCode.Unauthorized);
    expect(outcome('Bearer bad')).toBe(ErrorCode.Unauthorized);
    expect(outcome('Bearer staff')).toBe(ErrorCode.Forbidden);
    expect(outcome('Bearer good')).toBe('passed');
  });
});
