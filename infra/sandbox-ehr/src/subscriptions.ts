import { matchesSearchRequest, parseSearchRequest } from '@medplum/core';
import type { Resource, Subscription } from '@medplum/fhirtypes';
import type { ValidatingRepository } from './validating-repository.js';

export interface SubscriptionNotifierOptions {
  /** Called with each failed delivery, so a test or the log can see it. */
  onError?: (subscriptionId: string, error: unknown) => void;
}

/**
 * FHIR R4 Subscriptions, rest-hook channel: when a stored resource matches an active subscription's
 * criteria (`Encounter?status=in-progress`), the sandbox POSTs to the channel endpoint. With payload
 * `application/fhir+json` the body is the resource; without a payload, an empty POST (R4 "id-only"
 * style). Headers from `channel.header` ("Name: value") are sent as given.
 */
export function startSubscriptionNotifier(
  repo: ValidatingRepository,
  options: SubscriptionNotifierOptions = {},
) {
  const pending = new Set<Promise<void>>();
  repo.onWrite((resource) => {
    if (resource.resourceType === 'Subscription') return;
    const delivery = deliver(repo, resource, options).finally(() => pending.delete(delivery));
    pending.add(delivery);
  });
  return {
    /** Resolves once every notification sent so far has been delivered (or failed). */
    settled: async () => {
      while (pending.size > 0) await Promise.all([...pending]);
    },
  };
}

async function deliver(repo: ValidatingRepository, resource: Resource, options: SubscriptionNotifierOptions) {
  const bundle = await repo.search<Subscription>({ resourceType: 'Subscription', filters: [], count: 1000 });
  for (const entry of bundle.entry ?? []) {
    const subscription = entry.resource;
    if (subscription?.status !== 'active' || subscription.channel?.type !== 'rest-hook') continue;
    const search = parseSearchRequest(subscription.criteria);
    if (search.resourceType !== resource.resourceType || !matchesSearchRequest(resource, search)) continue;
    const endpoint = subscription.channel.endpoint;
    if (!endpoint) continue;
    const headers: Record<string, string> = {};
    for (const header of subscription.channel.header ?? []) {
      const [name, ...value] = header.split(':');
      if (name) headers[name.trim()] = value.join(':').trim();
    }
    const withPayload = subscription.channel.payload === 'application/fhir+json';
    if (withPayload) headers['content-type'] = 'application/fhir+json';
    try {
      const response = await fetch(endpoint, {
        method: 'POST',
        headers,
        body: withPayload ? JSON.stringify(resource) : undefined,
        signal: AbortSignal.timeout(10_000),
      });
      if (!response.ok) throw new Error(`rest-hook answered ${response.status}`);
    } catch (error) {
      options.onError?.(subscription.id ?? '', error);
    }
  }
}
