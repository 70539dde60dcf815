import type { SuggestionSet } from '@aloe/shared/schemas';
import { cardUuid } from './suggestion-to-card.js';

export interface CardOrigin {
  patientPseudonym: string;
  setId: string;
  suggestionId: string;
}

/**
 * The latest annotated suggestion set per patient (by pseudonym), so a CDS Hooks call is answered from
 * memory in well under 500 ms; and card uuid → suggestion, so feedback can name what it is about.
 * A newer set replaces an older one (CDS Hooks: later cards replace earlier ones). In-memory and per
 * replica: a replica serves the patients whose partitions it consumes.
 */
export class CardStore {
  private readonly sets = new Map<string, SuggestionSet>();
  private readonly origins = new Map<string, CardOrigin>();

  constructor(
    private readonly maxPatients = 50_000,
    private readonly maxCards = 500_000,
  ) {}

  put(set: SuggestionSet): void {
    const pseudonym = set.patient.pseudonym;
    const previous = this.sets.get(pseudonym);
    if (previous && previous.producedAt > set.producedAt) return; // an older set arrived late
    this.sets.delete(pseudonym);
    if (this.sets.size >= this.maxPatients) this.sets.delete(this.sets.keys().next().value as string);
    this.sets.set(pseudonym, set);
    for (const suggestion of set.suggestions) {
      if (this.origins.size >= this.maxCards) this.origins.delete(this.origins.keys().next().value as string);
      this.origins.set(cardUuid(set.setId, suggestion.id), {
        patientPseudonym: pseudonym,
        setId: set.setId,
        suggestionId: suggestion.id,
      });
    }
  }

  latest(patientPseudonym: string): SuggestionSet | undefined {
    return this.sets.get(patientPseudonym);
  }

  originOf(cardId: string): CardOrigin | undefined {
    return this.origins.get(cardId);
  }
}
