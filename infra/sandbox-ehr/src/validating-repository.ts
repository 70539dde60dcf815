import { badRequest, OperationOutcomeError, validateResource } from '@medplum/core';
import type { CreateResourceOptions, UpdateResourceOptions } from '@medplum/fhir-router';
import { MemoryRepository } from '@medplum/fhir-router';
import type { Resource } from '@medplum/fhirtypes';

type Listener = (resource: Resource, interaction: 'create' | 'update') => void;

/**
 * Medplum's in-memory repository does not validate
 * (docs/decisions.md#medplum-memory-repository-does-not-validate); an EHR must. Every create and update is
 * checked against the R4 structure definitions first, and a bad resource is refused with a 400
 * OperationOutcome. Listeners hear about each stored write (subscriptions).
 */
export class ValidatingRepository extends MemoryRepository {
  private readonly listeners: Listener[] = [];

  onWrite(listener: Listener): void {
    this.listeners.push(listener);
  }

  override async createResource<T extends Resource>(
    resource: T,
    options?: CreateResourceOptions,
    update?: boolean,
  ) {
    checkValid(resource);
    const created = await super.createResource(resource, options, update);
    this.emit(created, update ? 'update' : 'create');
    return created;
  }

  override async updateResource<T extends Resource>(resource: T, options?: UpdateResourceOptions) {
    checkValid(resource);
    const updated = await super.updateResource(resource, options);
    this.emit(updated, 'update');
    return updated;
  }

  private emit(resource: Resource, interaction: 'create' | 'update') {
    for (const listener of this.listeners) listener(resource, interaction);
  }
}

function checkValid(resource: Resource): void {
  try {
    const issues = validateResource(resource);
    const errors = issues.filter((issue) => issue.severity === 'error' || issue.severity === 'fatal');
    if (errors.length > 0)
      throw new OperationOutcomeError({ resourceType: 'OperationOutcome', issue: errors });
  } catch (error) {
    if (error instanceof OperationOutcomeError) throw error;
    throw new OperationOutcomeError(badRequest((error as Error).message));
  }
}
