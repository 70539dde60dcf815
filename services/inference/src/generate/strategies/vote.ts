export interface VoteCount {
  answer: string;
  count: number;
}

/**
 * Majority vote over parsed answers. Unparsed answers (undefined) do not vote. Ties go to the answer
 * that appeared first, so the result does not depend on sort stability. Counts are returned most first.
 */
export function majorityVote(answers: ReadonlyArray<string | undefined>): {
  winner: string | undefined;
  votes: VoteCount[];
} {
  const counts = new Map<string, number>();
  for (const answer of answers) {
    if (answer !== undefined) counts.set(answer, (counts.get(answer) ?? 0) + 1);
  }
  const votes = [...counts.entries()].map(([answer, count]) => ({ answer, count }));
  const firstSeen = (answer: string) => answers.indexOf(answer);
  votes.sort((a, b) => b.count - a.count || firstSeen(a.answer) - firstSeen(b.answer));
  return { winner: votes[0]?.answer, votes };
}
