import { MAX_CONTEXT_ITEMS } from '@aloe/shared/schemas';
import { describe, expect, it } from '@jest/globals';
import type { Encounter, Observation } from '@medplum/fhirtypes';
import { mergeOmissions } from './omissions.js';
import { FIXED_LIMITS, limitPrefetched, readLimitsOf } from './read-limits.js';

const now = new Date('2026-11-24T08:00:00Z');
const daysBefore = (days: number) => new Date(now.getTime() - days * 86_400_000).toISOString();
const observation = (id: string, effectiveDateTime?: string): Observation => ({
  resourceType: 'Observation',
  id,
  status: 'final',
  code: { text: 'Creatinine' },
  ...(effectiveDateTime ? { effectiveDateTime } : {}),
});

describe('limitPrefetched', () => {
  const limits = readLimitsOf({ observationWindowDays: 365, observationLimit: 3 });

  it('cuts prefetched observations to the window and the newest of the limit, counting both', () => {
    const prefetched = {
      observations: [
        observation('old', daysBefore(400)),
        observation('d5', daysBefore(5)),
        observation('d1', daysBefore(1)),
        observation('undated'),
        observation('d9', daysBefore(9)),
        observation('d3', daysBefore(3)),
        observation('older', daysBefore(366)),
      ],
    };
    const limited = limitPrefetched(prefetched, limits, now);
    expect(limited.observations?.map((item) => item.id)).toEqual(['d1', 'd3', 'd5']);
    expect(limited.omitted).toEqual([
      { type: 'Observation', reason: 'outside-window', count: 2, bound: 365 },
      { type: 'Observation', reason: 'over-limit', count: 2, bound: 3 },
    ]);
    // Pure: what the EHR sent is not changed.
    expect(prefetched.observations).toHaveLength(7);
  });

  it('keeps what the EHR already left out, leaves types it did not send absent, and adds nothing when all fits', () => {
    const encounters: Encounter[] = [{ resourceType: 'Encounter', id: 'e1', status: 'finished', class: {} }];
    const given = {
      encounters,
      omitted: [{ type: 'Patient', reason: 'other-patient' as const, count: 1 }],
    };
    const limited = limitPrefetched(given, limits, now);
    expect(limited.encounters).toEqual(encounters);
    expect('observations' in limited).toBe(false);
    expect(limited.omitted).toEqual(given.omitted);
    expect(limitPrefetched({}, limits, now)).toEqual({});
  });

  it('uses limits that leave a full context room for the kinds read whole', () => {
    const largest = readLimitsOf({ observationWindowDays: 365, observationLimit: MAX_CONTEXT_ITEMS / 2 });
    const limitedItems =
      largest.observationLimit +
      largest.encounterLimit +
      largest.procedureLimit +
      largest.carePlanLimit +
      largest.noteLimit;
    expect(limitedItems).toBeLessThanOrEqual(MAX_CONTEXT_ITEMS * 0.6);
    expect(readLimitsOf({ observationWindowDays: 1, observationLimit: 1 }).encounterLimit).toBe(
      FIXED_LIMITS.encounterLimit,
    );
  });
});

describe('mergeOmissions', () => {
  it('sums one type and reason; a sum with an unknown or floored part is a floor', () => {
    expect(
      mergeOmissions([
        { type: 'MedicationRequest', reason: 'paging-stopped', count: 3, bound: 50 },
        { type: 'MedicationRequest', reason: 'paging-stopped', count: 1, atLeast: true, bound: 50 },
        { type: 'Observation', reason: 'outside-window', bound: 365 },
        { type: 'Observation', reason: 'outside-window', count: 4, bound: 365 },
        { type: 'Condition', reason: 'not-prefetched', count: 5, bound: 10 },
        { type: 'Condition', reason: 'not-prefetched', count: 2, bound: 20 },
      ]),
    ).toEqual([
      { type: 'Condition', reason: 'not-prefetched', count: 7, bound: 30 },
      { type: 'MedicationRequest', reason: 'paging-stopped', count: 4, atLeast: true, bound: 50 },
      { type: 'Observation', reason: 'outside-window', count: 4, atLeast: true, bound: 365 },
    ]);
  });
});
