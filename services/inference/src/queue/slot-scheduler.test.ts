import { QueueFullError } from '@aloe/shared/errors';
import { describe, expect, it } from '@jest/globals';
import { SlotScheduler } from './slot-scheduler.js';

describe('SlotScheduler', () => {
  it('hands out free resources at once and queues the rest in order', async () => {
    const scheduler = new SlotScheduler(['s0', 's1'], { queueCapacity: 5 });
    const a = await scheduler.acquire();
    const b = await scheduler.acquire();
    expect([a.resource, b.resource].sort()).toEqual(['s0', 's1']);
    const order: string[] = [];
    const c = scheduler.acquire().then((lease) => order.push(`c:${lease.resource}`));
    const d = scheduler.acquire().then((lease) => order.push(`d:${lease.resource}`));
    expect(scheduler.queued).toBe(2);
    a.release();
    await c;
    b.release();
    await d;
    expect(order).toEqual([`c:${a.resource}`, `d:${b.resource}`]);
    expect(scheduler.busy).toBe(2);
  });

  it('refuses with QUEUE_FULL and a retry hint when the queue is full', async () => {
    let now = 0;
    const scheduler = new SlotScheduler(['s0'], { queueCapacity: 1, now: () => now });
    const first = await scheduler.acquire();
    now = 400;
    first.release(); // held 400 ms
    await scheduler.acquire();
    void scheduler.acquire();
    const refused = await scheduler.acquire().catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(QueueFullError);
    expect((refused as QueueFullError).retryAfterMs).toBeGreaterThan(0);
    expect((refused as QueueFullError).message).toMatch(/1 requests are waiting/);
  });

  it('bases the retry hint on the median of recent completed holds: an outlier or a failure does not skew it', async () => {
    let now = 0;
    const scheduler = new SlotScheduler(['s0'], { queueCapacity: 1, now: () => now });
    const hold = async (ms: number, outcome: 'completed' | 'failed') => {
      const lease = await scheduler.acquire();
      now += ms;
      lease.release(outcome);
    };
    for (let i = 0; i < 5; i++) await hold(2_000, 'completed');
    await hold(8 * 60_000, 'completed'); // one 8-minute outlier
    await hold(10 * 60_000, 'failed'); // a failed request is not a measure of service time
    const held = await scheduler.acquire();
    void scheduler.acquire();
    const refused = (await scheduler.acquire().catch((error: unknown) => error)) as QueueFullError;
    expect(refused).toBeInstanceOf(QueueFullError);
    // One running and one waiting ahead of the retry, one sequence: two typical holds.
    expect(refused.retryAfterMs).toBe(4_000);
    held.release();
  });

  it('takes an aborted waiter out of the queue', async () => {
    const scheduler = new SlotScheduler(['s0'], { queueCapacity: 3 });
    const held = await scheduler.acquire();
    const controller = new AbortController();
    const waiting = scheduler.acquire(controller.signal);
    expect(scheduler.queued).toBe(1);
    controller.abort(new Error('client went away'));
    await expect(waiting).rejects.toThrow('client went away');
    expect(scheduler.queued).toBe(0);
    held.release();
    expect(scheduler.busy).toBe(0);
  });

  it('on close fails the waiting requests, refuses new ones and drains the leases in flight', async () => {
    const changes: Array<{ busy: number; queued: number }> = [];
    const scheduler = new SlotScheduler(['s0'], {
      queueCapacity: 3,
      onChange: (state) => changes.push(state),
    });
    const held = await scheduler.acquire();
    const waiting = scheduler.acquire();
    scheduler.close();
    await expect(waiting).rejects.toThrow(/shutting down/);
    await expect(scheduler.acquire()).rejects.toThrow(/shutting down/);
    let drained = false;
    const drain = scheduler.drain().then(() => {
      drained = true;
    });
    await Promise.resolve();
    expect(drained).toBe(false);
    held.release();
    await drain;
    expect(drained).toBe(true);
    expect(changes.at(-1)).toEqual({ busy: 0, queued: 0 });
  });
});
