import type { ReviewStrategy } from '@aloe/shared/config';
import type { GenerateRequest } from '@aloe/shared/grpc';
import type { ModelOutput, TaskKind } from '@aloe/shared/schemas';

const STRENGTH: Record<ReviewStrategy, number> = { direct: 0, 'chain-of-thought': 1, 'self-consistency': 2 };

/** The strategy for a context: the most thorough one any of its tasks asks for (one request per context). */
export function strategyFor(
  tasks: readonly TaskKind[],
  strategies: Readonly<Record<TaskKind, ReviewStrategy>>,
): ReviewStrategy {
  return tasks
    .map((task) => strategies[task])
    .reduce<ReviewStrategy>(
      (best, next) => (next !== undefined && STRENGTH[next] > STRENGTH[best] ? next : best),
      'direct',
    );
}

/** The inference service's name for a strategy. */
export const PROTO_STRATEGY: Record<ReviewStrategy, NonNullable<GenerateRequest['strategy']>> = {
  direct: 'STRATEGY_DIRECT',
  'chain-of-thought': 'STRATEGY_CHAIN_OF_THOUGHT',
  'self-consistency': 'STRATEGY_SELF_CONSISTENCY',
};

/** What an answer proposes, as one comparable key: every suggestion's actions (type and medication), sorted. */
export function actionsKey(output: ModelOutput): string {
  return output.suggestions
    .flatMap((suggestion) => suggestion.actions.map((action) => `${action.type}:${action.medication ?? '-'}`))
    .sort()
    .join(' | ');
}

export interface ActionVote {
  /** The sample whose answer is used: the first that proposed the winning actions. */
  chosen: number;
  output: ModelOutput;
  votes: Array<{ actions: string; count: number }>;
}

/**
 * Self-consistency over what the samples propose (docs/research-notes.md#inference-strategies, applied to
 * actions): each sample's answer is parsed with the request's output contract, the samples vote with their
 * action sets, and the first sample of the most voted set is the answer (ties: the set seen first). Samples
 * that do not parse do not vote; undefined when none parses.
 */
export function voteOnActions(
  samples: ReadonlyArray<{ answer: string }>,
  schema: typeof ModelOutput,
): ActionVote | undefined {
  const parsed = samples.map((sample) => {
    try {
      const result = schema.safeParse(JSON.parse(sample.answer));
      return result.success ? result.data : undefined;
    } catch {
      return undefined;
    }
  });
  const counts = new Map<string, number>();
  for (const output of parsed)
    if (output) counts.set(actionsKey(output), (counts.get(actionsKey(output)) ?? 0) + 1);
  if (counts.size === 0) return undefined;
  const votes = [...counts].map(([actions, count]) => ({ actions, count }));
  const winner = votes.reduce((best, next) => (next.count > best.count ? next : best));
  const chosen = parsed.findIndex((output) => output && actionsKey(output) === winner.actions);
  return { chosen, output: parsed[chosen]!, votes: votes.sort((a, b) => b.count - a.count) };
}

/** The model's reasoning in a reasoning strategy's text (`{"reasoning": …, "answer": …}`), for the audit row. */
export function reasoningIn(text: string): string | undefined {
  try {
    const reasoning = (JSON.parse(text) as { reasoning?: unknown }).reasoning;
    return typeof reasoning === 'string' ? reasoning : undefined;
  } catch {
    return undefined;
  }
}
