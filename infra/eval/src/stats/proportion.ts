import type { Proportion } from '../report/report.js';

/** The normal quantile for a two-sided 95% interval. */
const Z_95 = 1.959964;

/**
 * `successes / total` with its Wilson score 95% interval (Wilson 1927; Brown, Cai & DasGupta 2001 recommend it
 * over the Wald interval for small samples and proportions near 0 or 1). With no trials nothing is known:
 * value 0 and the whole range, low 0 and high 1.
 */
export function proportion(successes: number, total: number): Proportion {
  if (!Number.isInteger(total) || total < 0)
    throw new RangeError(`total must be a whole number ≥ 0, got ${total}`);
  if (!Number.isInteger(successes) || successes < 0 || successes > total) {
    throw new RangeError(`successes must be a whole number in 0..${total}, got ${successes}`);
  }
  if (total === 0) return { successes, total, value: 0, low: 0, high: 1 };

  const value = successes / total;
  const z2 = Z_95 * Z_95;
  const denominator = 1 + z2 / total;
  const centre = (value + z2 / (2 * total)) / denominator;
  const halfWidth =
    (Z_95 * Math.sqrt((value * (1 - value)) / total + z2 / (4 * total * total))) / denominator;
  // At 0 or `total` successes one bound is exactly 0 or 1; rounding would leave it a hair off.
  const low = successes === 0 ? 0 : Math.max(0, centre - halfWidth);
  const high = successes === total ? 1 : Math.min(1, centre + halfWidth);
  return { successes, total, value, low, high };
}
