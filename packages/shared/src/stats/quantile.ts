/** The value at quantile `q` (0–1) of `values`, interpolating linearly between neighbouring ranks. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) throw new Error('quantile of no values');
  if (q < 0 || q > 1) throw new Error(`quantile ${q}: must be between 0 and 1`);
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.min(sorted.length - 1, below + 1);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (position - below);
}

export interface Distribution {
  n: number;
  p50: number;
  p95: number;
  min: number;
  max: number;
}

/** p50, p95 and the extremes of `values` (milliseconds, usually). */
export function distribution(values: readonly number[]): Distribution {
  return {
    n: values.length,
    p50: quantile(values, 0.5),
    p95: quantile(values, 0.95),
    min: Math.min(...values),
    max: Math.max(...values),
  };
}
