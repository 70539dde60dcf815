import type { Bundle, Resource } from '@medplum/fhirtypes';

const resourcesOf = (value: unknown): Resource[] => {
  if (!value || typeof value !== 'object') return [];
  const candidate = value as {
    resourceType?: string;
    resource?: unknown;
    entry?: Array<{ resource?: unknown }>;
  };
  if (candidate.resourceType === 'Bundle')
    return (candidate.entry ?? []).flatMap((entry) => resourcesOf(entry.resource));
  if (!candidate.resourceType) return resourcesOf(candidate.resource);
  return [value as Resource];
};

/**
 * What an EHR would prefetch for a service: each of the service's templates (CDS Hooks 2.0 discovery)
 * answered from the scenario's resources. `Patient/{{context.patientId}}` is the Patient (an EHR
 * always knows its patient: a bare one when the scenario has none); `Type?patient=…` is a searchset
 * of that type's resources (an empty one when there are none).
 */
export function fillPrefetch(
  templates: Record<string, string>,
  scenarioPrefetch: Record<string, unknown> | undefined,
  patientId: string,
): Record<string, unknown> {
  const resources = Object.values(scenarioPrefetch ?? {}).flatMap(resourcesOf);
  const prefetch: Record<string, unknown> = {};
  for (const [key, template] of Object.entries(templates)) {
    const read = /^([A-Z][A-Za-z]+)\/\{\{context\.patientId\}\}$/.exec(template);
    if (read?.[1] === 'Patient') {
      prefetch[key] = resources.find((resource) => resource.resourceType === 'Patient') ?? {
        resourceType: 'Patient',
        id: patientId,
      };
      continue;
    }
    const type = /^([A-Z][A-Za-z]+)\?/.exec(template)?.[1];
    if (!type) continue;
    const entries = resources.filter((resource) => resource.resourceType === type);
    prefetch[key] = {
      resourceType: 'Bundle',
      type: 'searchset',
      total: entries.length,
      link: [{ relation: 'self', url: template.replaceAll('{{context.patientId}}', patientId) }],
      entry: entries.map((resource) => ({ resource, search: { mode: 'match' } })),
    } satisfies Bundle;
  }
  return prefetch;
}
