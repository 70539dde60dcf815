import { timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { AppError, ErrorCode } from '../errors/app-error.js';

/** The token of an `Authorization: Bearer <token>` header, if that is what it holds. */
export function bearerTokenOf(authorization: string | undefined): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
}

/** Whether a presented token is one of `expected`, compared in constant time (no timing oracle). */
export function tokenMatches(given: string, expected: readonly string[]): boolean {
  const presented = Buffer.from(given);
  let found = false;
  for (const candidate of expected) {
    const known = Buffer.from(candidate);
    // Every candidate is compared, so the time says nothing about which (or whether one) matched.
    if (known.length === presented.length && timingSafeEqual(known, presented)) found = true;
  }
  return found;
}

/**
 * Middleware: the request must carry one of `tokens` as a Bearer token (401 otherwise, as an
 * OperationOutcome through the error handler); `forbidden` tokens are recognised and refused with 403.
 */
export function requireBearer(
  tokens: readonly string[],
  options: { forbidden?: readonly string[]; forbiddenMessage?: string; what?: string } = {},
): RequestHandler {
  return (request, _response, next) => {
    const token = bearerTokenOf(request.headers.authorization);
    if (!token)
      return next(
        new AppError(
          ErrorCode.Unauthorized,
          `A Bearer token is required${options.what ? ` for ${options.what}` : ''}`,
        ),
      );
    if (tokenMatches(token, tokens)) return next();
    if (options.forbidden && tokenMatches(token, options.forbidden))
      return next(
        new AppError(ErrorCode.Forbidden, options.forbiddenMessage ?? 'This token may not do that'),
      );
    next(new AppError(ErrorCode.Unauthorized, 'The Bearer token is not valid'));
  };
}
