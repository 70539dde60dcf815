import type { KnowledgeReport, SuggestionSet } from '@aloe/shared/schemas';
import { knowledgeCardUuid } from './knowledge-cards.js';
import { cardUuid } from './suggestion-to-card.js';

export interface CardOrigin {
  patientPseudonym: string;
  /** The suggestion set, or `knowledge` for a card of the clinical rules. */
  setId: string;
  /** The suggestion id, or the knowledge finding id. */
  suggestionId: string;
  /** The knowledge rule behind the card. */
  ruleId?: string;
}

/** The set id of cards that come from the clinical rules. */
export const KNOWLEDGE_SET_ID = 'knowledge';

/**
 * The latest annotated suggestion set per patient (by pseudonym), so a CDS Hooks call is answered from
 * the cache in well under 500 ms; and card uuid → suggestion, so feedback can name what it is about.
 * A newer set replaces an older one (CDS Hooks: later cards replace earlier ones); an older set that
 * arrives late changes nothing.
 */
export interface CardStore {
  put(set: SuggestionSet): Promise<void>;
  latest(patientPseudonym: string): Promise<SuggestionSet | undefined>;
  /** The knowledge findings of the latest chart state (newest evaluation wins), and their cards' origins. */
  putKnowledge(report: KnowledgeReport): Promise<void>;
  latestKnowledge(patientPseudonym: string): Promise<KnowledgeReport | undefined>;
  originOf(cardId: string): Promise<CardOrigin | undefined>;
  close(): Promise<void>;
}

/** The card uuid → origin entries of a set, for both stores (a knowledge suggestion names its rule). */
export function originsOf(set: SuggestionSet): Array<[cardId: string, origin: CardOrigin]> {
  return set.suggestions.map((suggestion) => {
    const ruleId = suggestion.source === 'knowledge' ? suggestion.reasons[0]?.ruleId : undefined;
    return [
      cardUuid(set.setId, suggestion.id),
      {
        patientPseudonym: set.patient.pseudonym,
        setId: set.setId,
        suggestionId: suggestion.id,
        ...(ruleId ? { ruleId } : {}),
      },
    ];
  });
}

/** The card uuid → origin entries of a knowledge report. */
export function knowledgeOriginsOf(report: KnowledgeReport): Array<[cardId: string, origin: CardOrigin]> {
  return report.findings.map((finding) => [
    knowledgeCardUuid(finding),
    {
      patientPseudonym: report.patient.pseudonym,
      setId: KNOWLEDGE_SET_ID,
      suggestionId: finding.id,
      ruleId: finding.ruleId,
    },
  ]);
}

/**
 * The embedded default: in memory and per replica, bounded (oldest patients and cards dropped first).
 * With several replicas, use the Redis store (redis-card-store.ts): a replica only consumes some
 * partitions of the suggestions topic, but the EHR may call any replica.
 */
export class MemoryCardStore implements CardStore {
  private readonly sets = new Map<string, SuggestionSet>();
  private readonly reports = new Map<string, KnowledgeReport>();
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
    this.remember(originsOf(set));
  }

  async putKnowledge(report: KnowledgeReport): Promise<void> {
    const pseudonym = report.patient.pseudonym;
    const previous = this.reports.get(pseudonym);
    this.remember(knowledgeOriginsOf(report));
    if (previous && previous.evaluatedAt > report.evaluatedAt) return;
    this.reports.delete(pseudonym);
    if (this.reports.size >= this.maxPatients)
      this.reports.delete(this.reports.keys().next().value as string);
    this.reports.set(pseudonym, report);
  }

  async latestKnowledge(patientPseudonym: string): Promise<KnowledgeReport | undefined> {
    return this.reports.get(patientPseudonym);
  }

  private remember(origins: Array<[string, CardOrigin]>): void {
    for (const [cardId, origin] of origins) {
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
