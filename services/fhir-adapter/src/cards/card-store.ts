import type { SuggestionSet } from '@aloe/shared/schemas';
import { cardUuid } from './suggestion-to-card.js';

export interface CardOrigin {
  patientPseudonym: string;
  setId: string;
  suggestionId: string;
}

/**
 * The latest annotated suggestion set per patient (by pseudonym), so a CDS Hooks call is answered from
 * the cache in well under 500 ms; and card uuid → suggestion, so feedback can name what it is about.
 * A newer set replaces an older one (CDS Hooks: later cards replace earlier ones); an older set that
 * arrives late changes nothing.
 */
export interface CardStore {
  put(set: SuggestionSet): Promise<void>;
  latest(patientPseudonym: string): Promise<SuggestionSet | undefined>;
  originOf(cardId: string): Promise<CardOrigin | undefined>;
  close(): Promise<void>;
}

/** The card uuid → origin entries of a set, for both stores. */
export function originsOf(set: SuggestionSet): Array<[cardId: string, origin: CardOrigin]> {
  return set.suggestions.map((suggestion) => [
    cardUuid(set.setId, suggestion.id),
    { patientPseudonym: set.patient.pseudonym, setId: set.setId, suggestionId: suggestion.id },
  ]);
}

/**
 * The embedded default: in memory and per replica, bounded (oldest patients and cards dropped first).
 * With several replicas, use the Redis store (redis-card-store.ts): a replica only consumes some
 * partitions of the suggestions topic, but the EHR may call any replica.
 */
export class MemoryCardStore implements CardStore {
  private readonly sets = new Map<string, SuggestionSet>();
  private readonly origins = new Map<string, CardOrigin>();

  constructor(
    private readonly maxPatients = 50_000,
    private readonly maxCards = 500_000,
  ) {}

  async put(set: SuggestionSet): Promise<void> {
    const pseudonym = set.patient.pseudonym;
    const previous = this.sets.get(pseudonym);
    if (previous && previous.producedAt > set.producedAt) return; // an older set arrived late
    this.sets.delete(pseudonym);
    if (this.sets.size >= this.maxPatients) this.sets.delete(this.sets.keys().next().value as string);
    this.sets.set(pseudonym, set);
    for (const [cardId, origin] of originsOf(set)) {
      if (this.origins.size >= this.maxCards) this.origins.delete(this.origins.keys().next().value as string);
      this.origins.set(cardId, origin);
    }
  }

  async latest(patientPseudonym: string): Promise<SuggestionSet | undefined> {
    return this.sets.get(patientPseudonym);
  }

  async originOf(cardId: string): Promise<CardOrigin | undefined> {
    return this.origins.get(cardId);
  }

  async close(): Promise<void> {}
}
