import { deterministicUuid } from '@aloe/shared/canonical';
import type { Logger } from '@aloe/shared/logging';
import type { AuditEvent, SuggestionSet } from '@aloe/shared/schemas';
import { Attr, SpanKind, withSpan } from '@aloe/shared/tracing';
import type { Bundle } from '@medplum/fhirtypes';
import { buildAuditEvent } from '../audit/audit-event.js';
import { assertAiDisclaimer } from '../cards/ai-label.js';
import type { CardStore } from '../cards/card-store.js';
import { buildWriteBackTransaction } from '../write-back/build-transaction.js';
import {
  type EarlierWrites,
  setIdOf,
  supersedeEarlier,
  type WrittenSuggestion,
} from '../write-back/supersede.js';
import { assertValidBundle } from '../write-back/validate-resources.js';

export interface ApplySuggestionsDeps {
  cards: CardStore;
  submit: (bundle: Bundle) => Promise<{ references: string[]; created: number }>;
  /** What earlier analyses of the patient wrote (EHR reads): superseded, or proof this set is stale. */
  readEarlier: (set: SuggestionSet) => Promise<EarlierWrites>;
  audit: (event: AuditEvent) => Promise<void>;
  logger: Logger;
  now: () => Date;
}

/**
 * Handles one annotated suggestion set from Kafka (refused, to the DLQ, when its disclaimer does not
 * say it is AI-generated): caches it as the patient's cards, then, in one idempotent transaction
 * (validated first), writes its allowed and warned suggestions back to the EHR and supersedes what
 * earlier analyses of the chart wrote and nobody reviewed; records the write for the audit. A set the
 * decision withheld from the chart (a deceased patient) only supersedes. A set delivered again (a
 * redelivery, an unchanged chart reopened) writes nothing: the EHR already holds its suggestions (and
 * the conditional creates would match them), and a set older than what the EHR holds is not written.
 * The write's audit event has an id derived from the set: a set found already written publishes it
 * again (its first publish may have failed after the write), and the FHIR audit sink keeps one.
 */
export function applySuggestions(set: SuggestionSet, deps: ApplySuggestionsDeps): Promise<void> {
  // In the trace of the context the set answers: the suggestions message carried it here.
  return withSpan(
    'write-back',
    {
      attributes: {
        [Attr.SuggestionSetId]: set.setId,
        [Attr.ContextId]: set.contextId,
        [Attr.PatientPseudonym]: set.patient.pseudonym,
      },
    },
    async (span) => {
      span.setAttribute(Attr.Outcome, await writeSet(set, deps));
    },
  );
}

async function writeSet(
  set: SuggestionSet,
  deps: ApplySuggestionsDeps,
): Promise<'stale' | 'nothing-to-write' | 'written'> {
  assertAiDisclaimer(set);
  await deps.cards.put(set);
  const logFields = { setId: set.setId, contextId: set.contextId, patientPseudonym: set.patient.pseudonym };
  const earlier = await withSpan('ehr.read earlier-writes', {}, () => deps.readEarlier(set));
  const superseding = supersedeEarlier(set, earlier);
  if (superseding.stale) {
    deps.logger.info(
      logFields,
      'a newer analysis of the chart is already in the EHR; this set is not written',
    );
    return 'stale';
  }
  const writeBack = set.writeBack ?? { allowed: true };
  if (!writeBack.allowed)
    deps.logger.info({ ...logFields, reason: writeBack.reason }, 'suggestions withheld from the chart');
  // The set again (an unchanged chart reopened, a redelivery): the EHR already holds it.
  const ownWrites = earlier.unreviewed.filter((resource) => setIdOf(resource) === set.setId);
  const written = ownWrites.length > 0;
  if (written) await deps.audit(republishedWriteEvent(set, ownWrites, deps));
  const own = writeBack.allowed && !written ? buildWriteBackTransaction(set) : undefined;
  const entries = [...(own?.entry ?? []), ...superseding.entries];
  if (entries.length === 0) {
    deps.logger.info(
      { ...logFields, suggestions: set.suggestions.length },
      'nothing to write back (all blocked, withheld or none)',
    );
    return 'nothing-to-write';
  }
  const bundle: Bundle = { resourceType: 'Bundle', type: 'transaction', entry: entries };
  assertValidBundle(bundle);
  const startedAt = performance.now();
  const result = await withSpan(
    'ehr.write transaction',
    { kind: SpanKind.CLIENT, attributes: { [Attr.EhrResources]: entries.length } },
    () => deps.submit(bundle),
  );
  // The set's first write has the set's write event id; a later one (superseding again) its own.
  const eventId = written
    ? deterministicUuid('fhir-write', set.setId, 'supersede', ...result.references.toSorted())
    : writeEventId(set.setId);
  await deps.audit(
    buildAuditEvent(
      {
        action: 'fhir-write',
        outcome: 'success',
        patientPseudonym: set.patient.pseudonym,
        patientRef: set.patient.ref,
        fhirBase: set.fhirBase,
        // Conditional creates of the set's own resources; version-checked updates of what it supersedes.
        interactions: [
          ...(own ? ['create' as const] : []),
          ...(superseding.entries.length > 0 ? ['update' as const] : []),
        ],
        resourceRefs: result.references,
        correlationId: set.contextId,
        detail: {
          setId: set.setId,
          entries: entries.length,
          created: result.created,
          superseded: superseding.entries.length,
        },
      },
      { newId: () => eventId, now: deps.now },
    ),
  );
  deps.logger.info(
    {
      ...logFields,
      created: result.created,
      superseded: superseding.entries.length,
      entries: entries.length,
      durationMs: Math.round(performance.now() - startedAt),
    },
    'suggestions written back',
  );
  return 'written';
}

/** The id of the audit event of a set's write back: the same for every delivery of the set. */
export function writeEventId(setId: string): string {
  return deterministicUuid('fhir-write', setId);
}

/** The write event of a set found already in the EHR, again: the resources it holds of the set. */
function republishedWriteEvent(
  set: SuggestionSet,
  ownWrites: readonly WrittenSuggestion[],
  deps: Pick<ApplySuggestionsDeps, 'now'>,
): AuditEvent {
  return buildAuditEvent(
    {
      action: 'fhir-write',
      outcome: 'success',
      patientPseudonym: set.patient.pseudonym,
      patientRef: set.patient.ref,
      fhirBase: set.fhirBase,
      interactions: ['create'],
      resourceRefs: ownWrites.map((resource) => `${resource.resourceType}/${resource.id}`),
      correlationId: set.contextId,
      detail: { setId: set.setId, resources: ownWrites.length, republished: true },
    },
    { newId: () => writeEventId(set.setId), now: deps.now },
  );
}
