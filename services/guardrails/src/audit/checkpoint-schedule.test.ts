import { waitFor } from '@aloe/shared/testing';
import { describe, expect, it } from '@jest/globals';
import type { CheckpointResult } from './audit-integrity.js';
import { scheduleCheckpoints } from './checkpoint-schedule.js';

describe('scheduleCheckpoints', () => {
  it('signs at the interval, one at a time, reports each outcome and error, and stops after the one in hand', async () => {
    let calls = 0;
    let inFlight = 0;
    let overlapped = false;
    const results: CheckpointResult[] = [];
    const errors: unknown[] = [];
    const audit = {
      async checkpoint(): Promise<CheckpointResult> {
        calls++;
        overlapped ||= inFlight > 0;
        inFlight++;
        // Slower than the interval: the next tick must not start a second one meanwhile.
        await new Promise((resolve) => setTimeout(resolve, 30));
        inFlight--;
        if (calls === 2) throw new Error('database gone');
        return { ok: true, checkpoint: null, fresh: false };
      },
    };
    const schedule = scheduleCheckpoints(audit, {
      intervalMs: 5,
      onResult: (result) => results.push(result),
      onError: (error) => errors.push(error),
    });
    await waitFor(() => results.length >= 2, { timeoutMs: 5_000, what: 'two checkpoints' });
    await schedule.stop();
    expect(inFlight).toBe(0); // stop() waited for the checkpoint in hand
    expect(errors).toEqual([new Error('database gone')]);
    expect(overlapped).toBe(false);
  });
});
