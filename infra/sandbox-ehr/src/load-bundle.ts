import { getStatus, isOk } from '@medplum/core';
import type { FhirRouter } from '@medplum/fhir-router';
import type { Bundle, OperationOutcome } from '@medplum/fhirtypes';
import type { ValidatingRepository } from './validating-repository.js';

/**
 * Posts a transaction (or batch) Bundle through the FHIR router, exactly as an HTTP client would, so
 * seeding goes through validation and subscriptions too. Throws with the OperationOutcome's text when
 * the EHR refuses it.
 */
export async function loadBundle(
  router: FhirRouter,
  repo: ValidatingRepository,
  bundle: Bundle,
): Promise<Bundle> {
  const [outcome, result] = await router.handleRequest(
    { method: 'POST', url: '', pathname: '', body: bundle, params: {}, query: {} },
    repo,
  );
  if (!isOk(outcome))
    throw new Error(`The sandbox EHR refused the bundle (${getStatus(outcome)}): ${describe(outcome)}`);
  const response = result as Bundle;
  const failed = (response.entry ?? []).filter((entry) => !/^2\d\d/.test(entry.response?.status ?? ''));
  if (failed.length > 0) {
    const first = failed[0]?.response?.outcome as OperationOutcome | undefined;
    throw new Error(
      `${failed.length} entries failed, first: ${first ? describe(first) : failed[0]?.response?.status}`,
    );
  }
  return response;
}

function describe(outcome: OperationOutcome): string {
  return (outcome.issue ?? [])
    .map((issue) =>
      [issue.details?.text ?? issue.diagnostics, issue.expression?.join(',')].filter(Boolean).join(' at '),
    )
    .join('; ');
}
