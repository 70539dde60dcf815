import { AppError, ErrorCode, NotFoundError, UnavailableError } from '@aloe/shared/errors';

/** Maps the EHR's HTTP failures to our errors: 404 → NOT_FOUND; 401/403; other 4xx; 409/412 conflicts, 5xx, 429 and network errors → retriable. */
export async function callEhr<T>(request: () => Promise<T>, what: string): Promise<T> {
  try {
    return await request();
  } catch (error) {
    const status = (error as { response?: { status?: number } }).response?.status;
    if (status === 404 || status === 410) throw new NotFoundError(`The EHR has no ${what}`, { cause: error });
    if (status === 401 || status === 403) {
      throw new AppError(ErrorCode.Unauthorized, `The EHR refused ${what} (HTTP ${status})`, {
        cause: error,
      });
    }
    // A version conflict (someone changed the resource between our read and write): read again and retry.
    if (status === 409 || status === 412)
      throw new UnavailableError(`The EHR's resources changed during ${what} (HTTP ${status}); retrying`, {
        cause: error,
      });
    if (status !== undefined && status < 500 && status !== 429) {
      throw new AppError(ErrorCode.InvalidInput, `The EHR rejected ${what} (HTTP ${status})`, {
        cause: error,
      });
    }
    throw new UnavailableError(`The EHR did not answer ${what}${status ? ` (HTTP ${status})` : ''}`, {
      cause: error,
    });
  }
}
