import { Client } from 'fhir-kit-client';

export type FhirClient = Client;

/** A fhir-kit-client for the EHR's FHIR R4 base, asking for FHIR JSON, with a bearer token when given. */
export function createFhirClient(options: { baseUrl: string; bearerToken?: string | undefined }): FhirClient {
  return new Client({
    baseUrl: options.baseUrl,
    customHeaders: { accept: 'application/fhir+json' },
    ...(options.bearerToken ? { bearerToken: options.bearerToken } : {}),
  });
}
