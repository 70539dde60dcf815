import { status } from '@grpc/grpc-js';
import { describe, expect, it } from '@jest/globals';
import {
  CancelledError,
  DeadlineExceededError,
  InvalidInputError,
  QueueFullError,
  UnavailableError,
} from './app-error.js';
import { fromGrpcStatus, toGrpcStatus } from './to-grpc-status.js';
import { toOperationOutcome } from './to-operation-outcome.js';

describe('error mappers', () => {
  it.each([
    [new InvalidInputError('messages: at least one'), status.INVALID_ARGUMENT, 400, 'invalid'],
    [new QueueFullError('queue full', 250), status.RESOURCE_EXHAUSTED, 429, 'throttled'],
    [new DeadlineExceededError(), status.DEADLINE_EXCEEDED, 504, 'timeout'],
    [new CancelledError(), status.CANCELLED, 499, 'incomplete'],
    [new UnavailableError('model loading'), status.UNAVAILABLE, 503, 'transient'],
  ])('maps %s to gRPC %s and HTTP %s', (error, grpcCode, httpStatus, issueCode) => {
    expect(toGrpcStatus(error)).toEqual({ code: grpcCode, details: error.message });
    const { httpStatus: mapped, outcome } = toOperationOutcome(error);
    expect(mapped).toBe(httpStatus);
    expect(outcome.resourceType).toBe('OperationOutcome');
    expect(outcome.issue[0]).toMatchObject({ code: issueCode, details: { text: error.message } });
  });

  it('hides the detail of unknown errors from callers', () => {
    const leak = new Error('connection to db-prod.internal:5432 failed for user admin');
    expect(toGrpcStatus(leak)).toEqual({ code: status.INTERNAL, details: 'Internal error' });
    expect(JSON.stringify(toOperationOutcome(leak))).not.toContain('db-prod');
  });

  it('turns a gRPC status back into an AppError with the right retriable flag', () => {
    expect(fromGrpcStatus(status.UNAVAILABLE, 'down')).toMatchObject({
      code: 'UNAVAILABLE',
      retriable: true,
    });
    expect(fromGrpcStatus(status.INVALID_ARGUMENT, 'bad')).toMatchObject({
      code: 'INVALID_INPUT',
      retriable: false,
    });
    expect(fromGrpcStatus(status.RESOURCE_EXHAUSTED, 'full')).toMatchObject({ retriable: true });
  });
});
