import { quantile } from '@aloe/shared/stats';

/**
 * The spread of per-round ratios (gRPC tok/s over the direct tok/s of the round next to it). One median
 * hides how far rounds disagree on a shared 2-core machine; the quartiles and the extremes show it.
 */
export interface RatioSpread {
  median: number;
  /** The first and third quartiles (linear interpolation between ranks). */
  p25: number;
  p75: number;
  min: number;
  max: number;
  /** Every round's ratio, in the order measured. */
  rounds: number[];
}

/** Pairs round i of `grpc` with round i of `direct` (rates, higher is faster) and summarises the ratios. */
export function ratioSpread(grpc: readonly number[], direct: readonly number[]): RatioSpread {
  if (grpc.length !== direct.length || grpc.length === 0)
    throw new Error(
      `ratio spread: needs as many gRPC rounds as direct ones (${grpc.length} vs ${direct.length}), at least 1`,
    );
  const rounds = grpc.map((rate, i) => {
    const base = direct[i]!;
    if (!(base > 0)) throw new Error(`ratio spread: direct round ${i} has rate ${base}, not above 0`);
    return rate / base;
  });
  return {
    median: quantile(rounds, 0.5),
    p25: quantile(rounds, 0.25),
    p75: quantile(rounds, 0.75),
    min: Math.min(...rounds),
    max: Math.max(...rounds),
    rounds,
  };
}
