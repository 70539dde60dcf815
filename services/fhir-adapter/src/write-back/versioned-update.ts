import type { BundleEntry, Resource } from '@medplum/fhirtypes';

/**
 * A transaction entry that replaces a resource the EHR at `fhirBase` holds with a new version of it,
 * only if nobody changed it since it was read (`If-Match` on its version; a conflict is retried by
 * reading again). R4 lets `fullUrl` be absent only for creates, operations and searches: an update
 * names the resource it replaces by its absolute URL.
 */
export function versionedUpdate(fhirBase: string, resource: Resource): BundleEntry {
  const { versionId, lastUpdated: _lastUpdated, ...meta } = resource.meta ?? {};
  return {
    fullUrl: `${fhirBase.replace(/\/+$/, '')}/${resource.resourceType}/${resource.id}`,
    // An empty meta is not valid FHIR: without the server's fields there may be nothing left.
    resource: (Object.keys(meta).length > 0
      ? { ...resource, meta }
      : { ...resource, meta: undefined }) as Resource,
    request: {
      method: 'PUT',
      url: `${resource.resourceType}/${resource.id}`,
      ...(versionId ? { ifMatch: `W/"${versionId}"` } : {}),
    },
  };
}
