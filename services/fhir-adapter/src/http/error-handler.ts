import { AppError, ErrorCode, toOperationOutcome } from '@aloe/shared/errors';
import type { Logger } from '@aloe/shared/logging';
import type { ErrorRequestHandler, RequestHandler } from 'express';

/**
 * The one error boundary: every error becomes an OperationOutcome (application/fhir+json) with its HTTP
 * status. Body-parser failures (malformed JSON) are the caller's 400; unknown errors are logged and
 * answered with a generic 500.
 */
export function createErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error, request, response, _next) => {
    let appError: unknown = error;
    if ((error as { type?: string }).type === 'entity.parse.failed') {
      appError = new AppError(
        ErrorCode.InvalidInput,
        `The request body is not valid JSON: ${(error as Error).message}`,
      );
    } else if ((error as { type?: string }).type === 'entity.too.large') {
      appError = new AppError(ErrorCode.InvalidInput, 'The request body is too large');
    }
    const { httpStatus, outcome } = toOperationOutcome(appError);
    if (!(appError instanceof AppError))
      logger.error({ err: error, path: request.path }, 'unexpected error in a request');
    else if (httpStatus >= 500) logger.warn({ code: appError.code, path: request.path }, appError.message);
    response.status(httpStatus).type('application/fhir+json').send(JSON.stringify(outcome));
  };
}

/** 404 for any route we do not serve, as an OperationOutcome. */
export const notFound: RequestHandler = (request, _response, next) => {
  next(new AppError(ErrorCode.NotFound, `No route for ${request.method} ${request.path}`));
};
