import type { Logger } from '@aloe/shared/logging';
import type { AuditEvent, SuggestionSet } from '@aloe/shared/schemas';
import type { Bundle } from '@medplum/fhirtypes';
import { buildAuditEvent } from '../audit/audit-event.js';
import { assertAiDisclaimer } from '../cards/ai-label.js';
import type { CardStore } from '../cards/card-store.js';
import { buildWriteBackTransaction } from '../write-back/build-transaction.js';
import { assertValidBundle } from '../write-back/validate-resources.js';

export interface ApplySuggestionsDeps {
  cards: CardStore;
  submit: (bundle: Bundle) => Promise<{ references: string[]; created: number }>;
  audit: (event: AuditEvent) => Promise<void>;
  logger: Logger;
  newId: () => string;
  now: () => Date;
}

/**
 * Handles one annotated suggestion set from Kafka (refused, to the DLQ, when its disclaimer does not
 * say it is AI-generated): caches it as the patient's cards, then writes the
 * allowed and warned suggestions back to the EHR in one idempotent transaction (validated first) and
 * records the write for the audit. A redelivered set is harmless: the cache keeps the newest set and
 * the conditional creates write nothing twice.
 */
export async function applySuggestions(set: SuggestionSet, deps: ApplySuggestionsDeps): Promise<void> {
  assertAiDisclaimer(set);
  await deps.cards.put(set);
  const bundle = buildWriteBackTransaction(set);
  const logFields = { setId: set.setId, contextId: set.contextId, patientPseudonym: set.patient.pseudonym };
  if (!bundle) {
    deps.logger.info(
      { ...logFields, suggestions: set.suggestions.length },
      'nothing to write back (all blocked or none)',
    );
    return;
  }
  assertValidBundle(bundle);
  const startedAt = performance.now();
  const result = await deps.submit(bundle);
  await deps.audit(
    buildAuditEvent(
      {
        action: 'fhir-write',
        outcome: 'success',
        patientPseudonym: set.patient.pseudonym,
        fhirBase: set.fhirBase,
        resourceRefs: result.references,
        correlationId: set.contextId,
        detail: { setId: set.setId, entries: bundle.entry?.length ?? 0, created: result.created },
      },
      deps,
    ),
  );
  deps.logger.info(
    {
      ...logFields,
      created: result.created,
      entries: bundle.entry?.length ?? 0,
      durationMs: Math.round(performance.now() - startedAt),
    },
    'suggestions written back',
  );
}
