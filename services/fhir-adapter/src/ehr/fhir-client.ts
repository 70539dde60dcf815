import { Client } from 'fhir-kit-client';
import type { AccessTokenProvider } from './backend-auth.js';

export type FhirClient = Client;

/** A fhir-kit-client for the EHR's FHIR R4 base, asking for FHIR JSON, with a bearer token when given. */
export function createFhirClient(options: { baseUrl: string; bearerToken?: string | undefined }): FhirClient {
  return new Client({
    baseUrl: options.baseUrl,
    customHeaders: { accept: 'application/fhir+json' },
    ...(options.bearerToken ? { bearerToken: options.bearerToken } : {}),
  });
}

/**
 * A client whose bearer token comes from the auth provider (SMART Backend Services or a static token),
 * fetched before each use so an expired token is renewed; no provider = no Authorization header.
 */
export function createAuthorizedClient(
  baseUrl: string,
  auth: AccessTokenProvider | undefined,
): () => Promise<FhirClient> {
  const client = createFhirClient({ baseUrl });
  return async () => {
    if (auth) client.bearerToken = await auth.getAccessToken();
    return client;
  };
}
