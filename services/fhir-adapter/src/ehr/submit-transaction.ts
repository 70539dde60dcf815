import type { Bundle } from '@medplum/fhirtypes';
import { callEhr } from './ehr-errors.js';
import type { FhirClient } from './fhir-client.js';

/** Posts a transaction Bundle to the EHR; returns the references of what it holds now (created or matched). */
export async function submitTransaction(
  client: FhirClient,
  bundle: Bundle,
  what = 'the write-back transaction',
): Promise<{ references: string[]; created: number }> {
  const response = (await callEhr(
    () => client.transaction({ body: bundle as never }),
    what,
  )) as unknown as Bundle;
  const entries = response.entry ?? [];
  const references = entries
    .map(
      (entry) =>
        entry.response?.location ??
        (entry.resource ? `${entry.resource.resourceType}/${entry.resource.id}` : undefined),
    )
    .filter((location): location is string => Boolean(location))
    .map((location) => location.replace(/^.*?([A-Z][A-Za-z]+\/[A-Za-z0-9\-.]+)(\/_history\/.*)?$/, '$1'));
  return { references, created: entries.filter((entry) => entry.response?.status?.startsWith('201')).length };
}
