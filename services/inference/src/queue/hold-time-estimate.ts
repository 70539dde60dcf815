import { quantile } from '@aloe/shared/stats';

export interface HoldTimeEstimateOptions {
  /** How many recent completed holds the estimate looks at. */
  window?: number;
  /** The estimate before any hold has completed. */
  initialMs?: number;
  /** The estimate never leaves [minMs, maxMs], whatever was measured. */
  minMs?: number;
  maxMs?: number;
}

/**
 * How long a slot is typically held: the median of the last `window` completed holds, clamped. A median
 * ignores a single outlier (a huge prompt, a stalled host) that a moving average would carry for many
 * requests; failed holds are never recorded, so a request that dies early or late cannot skew it.
 */
export class HoldTimeEstimate {
  private readonly recent: number[] = [];
  private readonly window: number;
  private readonly initialMs: number;
  private readonly minMs: number;
  private readonly maxMs: number;

  constructor(options: HoldTimeEstimateOptions = {}) {
    this.window = options.window ?? 21;
    this.initialMs = options.initialMs ?? 1_000;
    this.minMs = options.minMs ?? 50;
    this.maxMs = options.maxMs ?? 120_000;
    if (!(this.window >= 1 && this.minMs > 0 && this.minMs <= this.maxMs))
      throw new RangeError('HoldTimeEstimate needs window >= 1 and 0 < minMs <= maxMs');
  }

  /** Records the duration of a hold that completed its work. */
  record(durationMs: number): void {
    if (!Number.isFinite(durationMs) || durationMs < 0) return;
    this.recent.push(durationMs);
    if (this.recent.length > this.window) this.recent.shift();
  }

  /** The median recent hold in ms, within [minMs, maxMs]. */
  get ms(): number {
    if (this.recent.length === 0) return this.clamp(this.initialMs);
    return this.clamp(quantile(this.recent, 0.5));
  }

  private clamp(ms: number): number {
    return Math.min(this.maxMs, Math.max(this.minMs, ms));
  }
}
