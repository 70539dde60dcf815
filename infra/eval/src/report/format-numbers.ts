import type { Proportion } from './report.js';

// One place for how numbers read, so the Markdown, the HTML tables and the charts agree digit for digit.

/** A 0–1 fraction as a percentage with one decimal: `0.4751` → `47.5%`. */
export function formatPercent(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`;
}

/** A 0–100 figure (the paper's) as a percentage with one decimal. */
export function formatPercentPoints(percent: number): string {
  return `${percent.toFixed(1)}%`;
}

/** A proportion with its 95% interval: `47.5% (36.9–58.3)`. */
export function formatProportionWithCi(proportion: Proportion): string {
  return `${formatPercent(proportion.value)} (${(proportion.low * 100).toFixed(1)}–${(proportion.high * 100).toFixed(1)})`;
}

/** A difference in percentage points, always signed: `+17.5`, `-2.0`, `0.0`. */
export function formatSignedPoints(points: number): string {
  const rounded = points.toFixed(1);
  if (Number(rounded) === 0) return '0.0';
  return points > 0 ? `+${rounded}` : rounded;
}

/** A mean token count per item, to the nearest token. */
export function formatTokens(tokens: number): string {
  return Math.round(tokens).toString();
}

/** Milliseconds as seconds with two decimals (test-model items take well under a second). */
export function formatSeconds(milliseconds: number): string {
  return (milliseconds / 1000).toFixed(2);
}
