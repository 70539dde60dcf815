import { QueueFullError, UnavailableError } from '@aloe/shared/errors';
import { HoldTimeEstimate, type HoldTimeEstimateOptions } from './hold-time-estimate.js';

/** `completed`: the work on the slot succeeded, and how long it took informs the retry hint. */
export type LeaseOutcome = 'completed' | 'failed';

export interface Lease<T> {
  readonly resource: T;
  /** How long the request waited for its slot. */
  readonly waitedMs: number;
  /** Gives the slot back; only a completed hold's duration feeds the retry hint (default: failed). */
  release(outcome?: LeaseOutcome): void;
}

interface Waiter<T> {
  resolve: (lease: Lease<T>) => void;
  reject: (error: unknown) => void;
  enqueuedAt: number;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

export interface SlotSchedulerOptions {
  /** Requests that may wait for a slot; one more is refused with QUEUE_FULL. */
  queueCapacity: number;
  now?: () => number;
  /** Called whenever the number of busy slots or waiting requests changes (metrics). */
  onChange?: (state: { busy: number; queued: number }) => void;
  /** How the typical hold time behind the retry hint is estimated. */
  holdTime?: HoldTimeEstimateOptions;
}

/**
 * Hands out a fixed set of resources (the model's context sequences) one request at a time, with a
 * bounded FIFO queue in front. A full queue answers at once with a retry hint computed from how long
 * slots are typically held (the median of recent completed holds); an aborted waiter leaves the queue; close() refuses new work and drain() waits for
 * the work in flight.
 */
export class SlotScheduler<T> {
  private readonly free: T[];
  private readonly waiters: Array<Waiter<T>> = [];
  private readonly slots: number;
  private readonly now: () => number;
  private busyCount = 0;
  private closed = false;
  private readonly holdTime: HoldTimeEstimate;
  private idleWaiters: Array<() => void> = [];

  constructor(
    resources: readonly T[],
    private readonly options: SlotSchedulerOptions,
  ) {
    if (resources.length === 0) throw new RangeError('SlotScheduler needs at least one resource');
    this.free = [...resources];
    this.slots = resources.length;
    this.now = options.now ?? (() => performance.now());
    this.holdTime = new HoldTimeEstimate(options.holdTime);
  }

  get busy(): number {
    return this.busyCount;
  }

  get queued(): number {
    return this.waiters.length;
  }

  /** Resolves with a free resource, waiting in line when none is free. */
  acquire(signal?: AbortSignal): Promise<Lease<T>> {
    if (this.closed) return Promise.reject(new UnavailableError('The server is shutting down'));
    if (signal?.aborted) return Promise.reject(signal.reason);
    const enqueuedAt = this.now();
    const resource = this.free.pop();
    if (resource !== undefined) return Promise.resolve(this.lease(resource, enqueuedAt));
    if (this.waiters.length >= this.options.queueCapacity) {
      const retryAfterMs = Math.ceil((this.holdTime.ms * (this.waiters.length + 1)) / this.slots);
      return Promise.reject(
        new QueueFullError(
          `All ${this.slots} sequences are busy and ${this.waiters.length} requests are waiting; retry in about ${retryAfterMs} ms`,
          retryAfterMs,
        ),
      );
    }
    return new Promise<Lease<T>>((resolve, reject) => {
      const waiter: Waiter<T> = { resolve, reject, enqueuedAt, signal, onAbort: undefined };
      if (signal) {
        waiter.onAbort = () => {
          const index = this.waiters.indexOf(waiter);
          if (index >= 0) this.waiters.splice(index, 1);
          this.notify();
          reject(signal.reason);
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.waiters.push(waiter);
      this.notify();
    });
  }

  /** Refuses new requests and fails the waiting ones; leases in flight finish normally. */
  close(): void {
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) {
      if (waiter.onAbort) waiter.signal?.removeEventListener('abort', waiter.onAbort);
      waiter.reject(new UnavailableError('The server is shutting down'));
    }
    this.notify();
  }

  /** Resolves once no lease is held and nobody waits. */
  drain(): Promise<void> {
    if (this.busyCount === 0 && this.waiters.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private lease(resource: T, enqueuedAt: number): Lease<T> {
    this.busyCount++;
    const startedAt = this.now();
    let released = false;
    this.notify();
    return {
      resource,
      waitedMs: startedAt - enqueuedAt,
      release: (outcome = 'failed') => {
        if (released) return;
        released = true;
        if (outcome === 'completed') this.holdTime.record(this.now() - startedAt);
        this.busyCount--;
        this.handOver(resource);
      },
    };
  }

  private handOver(resource: T): void {
    const next = this.waiters.shift();
    if (next) {
      if (next.onAbort) next.signal?.removeEventListener('abort', next.onAbort);
      next.resolve(this.lease(resource, next.enqueuedAt));
      return;
    }
    this.free.push(resource);
    this.notify();
    if (this.busyCount === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private notify(): void {
    this.options.onChange?.({ busy: this.busyCount, queued: this.waiters.length });
  }
}
