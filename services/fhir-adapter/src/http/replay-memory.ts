/**
 * The ids of accepted tokens, each kept until its token could no longer be accepted anyway, so a replay
 * is refused and memory holds at most one token lifetime of traffic. Expired ids are swept at most once
 * per `sweepEveryMs`: one pass over the map then, not one per call (a pass per call grew with the
 * traffic of the last five minutes: quadratic under load).
 */
export class ReplayMemory {
  readonly #until = new Map<string, number>();
  #sweptAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly sweepEveryMs = 1_000) {}

  /** False when `id` is remembered and not yet expired (a replay); otherwise remembers it until `untilMs`. */
  remember(id: string, untilMs: number, nowMs: number): boolean {
    if (nowMs - this.#sweptAt >= this.sweepEveryMs) {
      for (const [seen, until] of this.#until) if (until < nowMs) this.#until.delete(seen);
      this.#sweptAt = nowMs;
    }
    const until = this.#until.get(id);
    if (until !== undefined && until >= nowMs) return false;
    this.#until.set(id, untilMs);
    return true;
  }

  /** How many ids are held (expired ones until the next sweep). */
  get size(): number {
    return this.#until.size;
  }
}
