import { createHash } from 'node:crypto';
import type { RedTeamPrompt } from './red-team-sets.js';

const drawOf = (seed: number, id: string) => createHash('sha256').update(`${seed}\u0000${id}`).digest('hex');
const byDraw = (a: { draw: string }, b: { draw: string }) => (a.draw < b.draw ? -1 : a.draw > b.draw ? 1 : 0);

/**
 * A seeded sample of `limit` prompts spread over the set's categories: each category's prompts are
 * ranked by a draw that depends only on the seed and the prompt's id, then taken one per category in
 * turn, the categories in a seeded order too (a sample smaller than the category count is not always
 * the first categories by name). The same seed picks the same prompts on every run, and a smaller limit
 * picks a prefix of a larger one's picks.
 */
export function sampleAcrossCategories(
  prompts: readonly RedTeamPrompt[],
  limit: number,
  seed: number,
): RedTeamPrompt[] {
  if (!Number.isInteger(limit) || limit < 0)
    throw new RangeError(`limit must be a whole number ≥ 0, got ${limit}`);
  const byCategory = new Map<string, RedTeamPrompt[]>();
  for (const prompt of prompts) {
    const group = byCategory.get(prompt.category);
    if (group) group.push(prompt);
    else byCategory.set(prompt.category, [prompt]);
  }
  const queues = [...byCategory]
    .map(([category, group]) => ({ group, draw: drawOf(seed, `category\u0000${category}`) }))
    .sort(byDraw)
    .map(({ group }) =>
      group
        .map((prompt) => ({ prompt, draw: drawOf(seed, prompt.id) }))
        .sort(byDraw)
        .map((entry) => entry.prompt),
    );
  const chosen: RedTeamPrompt[] = [];
  for (let round = 0; chosen.length < limit; round++) {
    const before = chosen.length;
    for (const queue of queues) if (round < queue.length && chosen.length < limit) chosen.push(queue[round]!);
    if (chosen.length === before) break;
  }
  return chosen;
}
