import { AppError, ErrorCode } from './app-error.js';

/** FHIR R4 OperationOutcome, as much of it as our errors use. */
export interface OperationOutcome {
  resourceType: 'OperationOutcome';
  issue: Array<{
    severity: 'fatal' | 'error' | 'warning' | 'information';
    code: string;
    diagnostics?: string;
    details?: { text: string };
    expression?: string[];
  }>;
}

// FHIR R4 IssueType codes (http://hl7.org/fhir/R4/valueset-issue-type.html) and HTTP statuses.
const outcomeByCode: Record<ErrorCode, { issueCode: string; httpStatus: number }> = {
  [ErrorCode.InvalidInput]: { issueCode: 'invalid', httpStatus: 400 },
  [ErrorCode.ContextInvalid]: { issueCode: 'invalid', httpStatus: 400 },
  [ErrorCode.SchemaVersionUnsupported]: { issueCode: 'not-supported', httpStatus: 400 },
  [ErrorCode.NotFound]: { issueCode: 'not-found', httpStatus: 404 },
  [ErrorCode.Unauthorized]: { issueCode: 'login', httpStatus: 401 },
  [ErrorCode.Forbidden]: { issueCode: 'forbidden', httpStatus: 403 },
  [ErrorCode.Unavailable]: { issueCode: 'transient', httpStatus: 503 },
  [ErrorCode.ModelNotLoaded]: { issueCode: 'transient', httpStatus: 503 },
  [ErrorCode.QueueFull]: { issueCode: 'throttled', httpStatus: 429 },
  [ErrorCode.DeadlineExceeded]: { issueCode: 'timeout', httpStatus: 504 },
  [ErrorCode.Cancelled]: { issueCode: 'incomplete', httpStatus: 499 },
  [ErrorCode.OutputTruncated]: { issueCode: 'incomplete', httpStatus: 502 },
  [ErrorCode.OutputInvalid]: { issueCode: 'processing', httpStatus: 502 },
  [ErrorCode.RetriesExhausted]: { issueCode: 'transient', httpStatus: 503 },
  [ErrorCode.Config]: { issueCode: 'exception', httpStatus: 500 },
  [ErrorCode.Internal]: { issueCode: 'exception', httpStatus: 500 },
};

/**
 * The HTTP status and OperationOutcome body for any thrown value (Medplum's normalizeOperationOutcome +
 * getStatus, in one place). Unknown errors get a generic 500; their detail belongs in the log only.
 */
export function toOperationOutcome(error: unknown): { httpStatus: number; outcome: OperationOutcome } {
  if (error instanceof AppError) {
    const { issueCode, httpStatus } = outcomeByCode[error.code];
    const expression = Array.isArray(error.details.expression)
      ? (error.details.expression as string[])
      : undefined;
    return {
      httpStatus,
      outcome: {
        resourceType: 'OperationOutcome',
        issue: [
          {
            severity: httpStatus >= 500 ? 'fatal' : 'error',
            code: issueCode,
            details: { text: error.message },
            diagnostics: error.code,
            ...(expression ? { expression } : {}),
          },
        ],
      },
    };
  }
  return {
    httpStatus: 500,
    outcome: {
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'fatal', code: 'exception', details: { text: 'Internal server error' } }],
    },
  };
}
