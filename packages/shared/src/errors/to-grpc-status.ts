import { status } from '@grpc/grpc-js';
import { AppError, ErrorCode } from './app-error.js';

const statusByCode: Record<ErrorCode, status> = {
  [ErrorCode.InvalidInput]: status.INVALID_ARGUMENT,
  [ErrorCode.ContextInvalid]: status.INVALID_ARGUMENT,
  [ErrorCode.SchemaVersionUnsupported]: status.INVALID_ARGUMENT,
  [ErrorCode.NotFound]: status.NOT_FOUND,
  [ErrorCode.Unauthorized]: status.UNAUTHENTICATED,
  [ErrorCode.Forbidden]: status.PERMISSION_DENIED,
  [ErrorCode.Unavailable]: status.UNAVAILABLE,
  [ErrorCode.ModelNotLoaded]: status.UNAVAILABLE,
  [ErrorCode.QueueFull]: status.RESOURCE_EXHAUSTED,
  [ErrorCode.DeadlineExceeded]: status.DEADLINE_EXCEEDED,
  [ErrorCode.Cancelled]: status.CANCELLED,
  [ErrorCode.OutputTruncated]: status.FAILED_PRECONDITION,
  [ErrorCode.OutputInvalid]: status.INTERNAL,
  [ErrorCode.RetriesExhausted]: status.UNAVAILABLE,
  [ErrorCode.Config]: status.INTERNAL,
  [ErrorCode.Internal]: status.INTERNAL,
};

/** The gRPC status for an error; unknown errors are INTERNAL with a generic message (detail goes to logs). */
export function toGrpcStatus(error: unknown): { code: status; details: string } {
  if (error instanceof AppError) return { code: statusByCode[error.code], details: error.message };
  return { code: status.INTERNAL, details: 'Internal error' };
}

/** The AppError code for a gRPC status received by a client (the inverse edge). */
export function fromGrpcStatus(code: status, details: string): AppError {
  switch (code) {
    case status.INVALID_ARGUMENT:
      return new AppError(ErrorCode.InvalidInput, details);
    case status.RESOURCE_EXHAUSTED:
      return new AppError(ErrorCode.QueueFull, details, { retriable: true });
    case status.DEADLINE_EXCEEDED:
      return new AppError(ErrorCode.DeadlineExceeded, details, { retriable: true });
    case status.CANCELLED:
      return new AppError(ErrorCode.Cancelled, details);
    case status.UNAVAILABLE:
      return new AppError(ErrorCode.Unavailable, details, { retriable: true });
    case status.FAILED_PRECONDITION:
      return new AppError(ErrorCode.OutputTruncated, details, { retriable: true });
    case status.NOT_FOUND:
      return new AppError(ErrorCode.NotFound, details);
    default:
      return new AppError(ErrorCode.Internal, details, { retriable: true });
  }
}
