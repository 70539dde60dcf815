import { describe, expect, it } from '@jest/globals';
import { overheadOf, type PatientTimeline } from './overhead.js';

const timeline: PatientTimeline = {
  requestedAt: 1_000,
  acceptedAt: 1_030,
  contextPublishedAt: 1_028,
  setOnTopicAt: 3_100,
  writtenAt: 3_140,
  timingsMs: { inference: 2_000, total: 2_012 },
};

describe('overheadOf', () => {
  it('takes the model time the set reports out of request-to-write, and splits the rest by stage', () => {
    const breakdown = overheadOf(timeline);
    expect(breakdown).toEqual({
      endToEnd: 2_140,
      model: 2_000,
      overhead: 140,
      capture: 28,
      guardrailsWork: 12,
      transportAndAudit: 60,
      writeBack: 40,
    });
    // The stages add up to the overhead.
    const { capture, guardrailsWork, transportAndAudit, writeBack } = breakdown;
    expect(capture + guardrailsWork + transportAndAudit + writeBack).toBe(breakdown.overhead);
  });

  it('refuses a timeline whose events are out of order (clock or matching mistakes)', () => {
    expect(() => overheadOf({ ...timeline, writtenAt: 900 })).toThrow('out of order');
    expect(() => overheadOf({ ...timeline, setOnTopicAt: 1_010 })).toThrow('out of order');
  });
});
