import { AppError, ErrorCode, toOperationOutcome } from '@aloe/shared/errors';
import type { Logger } from '@aloe/shared/logging';
import type { ErrorRequestHandler, RequestHandler } from 'express';

/** The one error boundary: every error becomes an OperationOutcome with its HTTP status. */
export function createErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error, request, response, _next) => {
    let appError: unknown = error;
    if ((error as { type?: string }).type === 'entity.parse.failed') {
      appError = new AppError(
        ErrorCode.InvalidInput,
        `The request body is not valid JSON: ${(error as Error).message}`,
      );
    }
    const { httpStatus, outcome } = toOperationOutcome(appError);
    if (!(appError instanceof AppError))
      logger.error({ err: error, path: request.path }, 'unexpected error in a request');
    response.status(httpStatus).type('application/fhir+json').send(JSON.stringify(outcome));
  };
}

export const notFound: RequestHandler = (request, _response, next) => {
  next(new AppError(ErrorCode.NotFound, `No route for ${request.method} ${request.path}`));
};
