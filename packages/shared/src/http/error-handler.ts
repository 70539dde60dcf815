import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError, ErrorCode } from '../errors/app-error.js';
import { toOperationOutcome } from '../errors/to-operation-outcome.js';
import type { Logger } from '../logging/logger.js';

/**
 * The one error boundary of every HTTP app (Medplum's pattern): any error becomes an OperationOutcome
 * (application/fhir+json) with its status. Body-parser failures (malformed JSON, too large) are the
 * caller's 400; unknown errors are logged and answered with a generic 500 (the detail stays in the log).
 */
export function createErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error, request, response, _next) => {
    let appError: unknown = error;
    const type = (error as { type?: string }).type;
    if (type === 'entity.parse.failed') {
      appError = new AppError(
        ErrorCode.InvalidInput,
        `The request body is not valid JSON: ${(error as Error).message}`,
      );
    } else if (type === 'entity.too.large') {
      appError = new AppError(ErrorCode.InvalidInput, 'The request body is too large');
    }
    const { httpStatus, outcome } = toOperationOutcome(appError);
    if (!(appError instanceof AppError))
      logger.error({ err: error, path: request.path }, 'unexpected error in a request');
    else if (httpStatus >= 500) logger.warn({ code: appError.code, path: request.path }, appError.message);
    response.status(httpStatus).type('application/fhir+json').send(JSON.stringify(outcome));
  };
}

/** 404 for any route an app does not serve, as an OperationOutcome. */
export const notFound: RequestHandler = (request, _response, next) => {
  next(new AppError(ErrorCode.NotFound, `No route for ${request.method} ${request.path}`));
};
