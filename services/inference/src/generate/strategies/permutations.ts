/**
 * Up to `count` distinct permutations of [0, size), the identity first, then seeded shuffles
 * (Fisher–Yates). Never more than size! of them.
 */
export function distinctPermutations(size: number, count: number, random: () => number): number[][] {
  const limit = Math.min(count, factorial(size));
  const identity = Array.from({ length: size }, (_, i) => i);
  const seen = new Set([identity.join(',')]);
  const permutations = [identity];
  while (permutations.length < limit) {
    const candidate = [...identity];
    for (let i = size - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [candidate[i], candidate[j]] = [candidate[j]!, candidate[i]!];
    }
    const key = candidate.join(',');
    if (!seen.has(key)) {
      seen.add(key);
      permutations.push(candidate);
    }
  }
  return permutations;
}

function factorial(n: number): number {
  let result = 1;
  for (let i = 2; i <= n && result < Number.MAX_SAFE_INTEGER; i++) result *= i;
  return result;
}

/** The option letters shown to the model: A, B, C, … */
export function displayLetters(count: number): string[] {
  return Array.from({ length: count }, (_, i) => String.fromCharCode(65 + i));
}

/**
 * Maps a letter the model chose on a shuffled question back to the original option key.
 * `permutation[i]` is the index of the original option shown at position i.
 */
export function mapAnswerBack(
  shownLetter: string | undefined,
  permutation: readonly number[],
  originalKeys: readonly string[],
): string | undefined {
  if (shownLetter === undefined) return undefined;
  const position = displayLetters(permutation.length).indexOf(shownLetter.toUpperCase());
  if (position < 0) return undefined;
  return originalKeys[permutation[position]!];
}
