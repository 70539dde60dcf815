import type { Suggestion } from '@aloe/shared/schemas';

/** A suggestion as the model proposed it, before the output rails annotate it. */
export type CandidateSuggestion = Omit<Suggestion, 'verdict' | 'reasons'>;
