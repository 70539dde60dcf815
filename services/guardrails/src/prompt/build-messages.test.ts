import type { ContextItem, Omission } from '@aloe/shared/schemas';
import { describe, expect, it } from '@jest/globals';
import { contextOf } from '../../test/contexts.js';
import { buildMessages } from './build-messages.js';
import { describeOmission } from './describe-omissions.js';

const userMessage = (prompt: ReturnType<typeof buildMessages>) =>
  prompt.messages.find((message) => message.role === 'ROLE_USER')!.content;

const observation = (id: number): ContextItem => ({
  ref: `Observation/o${id}`,
  kind: 'observation',
  code: { display: 'Creatinine' },
  value: { value: 1 + id / 100, unit: 'mg/dL' },
  date: new Date(Date.UTC(2026, 0, 1 + id)).toISOString().slice(0, 10),
});

describe('buildMessages, what the context leaves out', () => {
  it('says in plain words what the chart holds beyond the context', () => {
    const omitted: Omission[] = [
      { type: 'Observation', reason: 'outside-window', count: 37, bound: 365 },
      { type: 'Observation', reason: 'over-limit', count: 30, bound: 200 },
      { type: 'DocumentReference', reason: 'text-truncated', count: 1, bound: 20_000 },
    ];
    const text = userMessage(
      buildMessages({ ...contextOf([observation(1)]), omitted }, { maxContextTokens: 12_000 }),
    );
    expect(text).toContain(
      'Not shown: 37 observations older than 365 days; 30 more observations beyond the newest 200; the end of 1 note longer than 20,000 characters.',
    );
    // Before the items, so it frames them.
    expect(text.indexOf('Not shown:')).toBeLessThan(text.indexOf('[Observation/o1]'));
  });

  it('says nothing of omissions when nothing was left out, and reads as before', () => {
    const context = contextOf([observation(1), observation(2)]);
    const without = buildMessages(context, { maxContextTokens: 12_000 });
    expect(userMessage(without)).not.toMatch(/not shown/i);
    expect(buildMessages({ ...context, omitted: [] }, { maxContextTokens: 12_000 })).toEqual(without);
    expect(userMessage(without)).toBe(
      [
        'Patient: female, 60 years.',
        'Tasks: medication safety review (interactions, allergies, renal dosing, opioid risk).',
        'Context (cite by the reference in brackets):',
        '[Observation/o2] observation: Creatinine = 1.02 mg/dL (2026-01-03)',
        '[Observation/o1] observation: Creatinine = 1.01 mg/dL (2026-01-02)',
      ].join('\n'),
    );
  });

  it('says what it cut to fit the token budget, by kind, within the budget', () => {
    const context = contextOf([
      ...Array.from({ length: 300 }, (_, index) => observation(index)),
      { ref: 'Encounter/e1', kind: 'encounter', code: { display: 'Office visit' } },
    ]);
    const complete = buildMessages(context, { maxContextTokens: 100_000 });
    expect(complete.omitted).toBe(0);
    expect(userMessage(complete)).not.toContain('to fit this prompt');

    const maxContextTokens = 2_000;
    const cut = buildMessages(context, { maxContextTokens });
    expect(cut.omitted).toBeGreaterThan(0);
    const kept = cut.refs.filter((ref) => ref.startsWith('Observation/')).length;
    const keptEncounters = cut.refs.filter((ref) => ref.startsWith('Encounter/')).length;
    const parts = [`${300 - kept} observations`, ...(keptEncounters === 0 ? ['1 encounter'] : [])];
    expect(userMessage(cut)).toMatch(
      new RegExp(`\nAlso not shown, to fit this prompt: ${parts.join(', ')}\\.$`),
    );
    expect(cut.omitted).toBe(301 - kept - keptEncounters);
    const total = cut.messages.reduce((sum, message) => sum + Math.ceil(message.content.length / 4), 0);
    expect(total).toBeLessThanOrEqual(maxContextTokens + 2);
  });
});

describe('describeOmission', () => {
  it.each<[Omission, string]>([
    [
      { type: 'Observation', reason: 'outside-window', count: 1, bound: 365 },
      '1 observation older than 365 days',
    ],
    [
      { type: 'MedicationRequest', reason: 'ended-before-window', count: 3, bound: 180 },
      '3 ended medication orders that started more than 180 days ago',
    ],
    [
      { type: 'Condition', reason: 'paging-stopped', count: 1, atLeast: true, bound: 50 },
      'at least 1 more condition past the 50 result pages read',
    ],
    [
      { type: 'Procedure', reason: 'outside-window', bound: 360 },
      'an unknown number of procedures older than 360 days',
    ],
    [
      { type: 'Observation', reason: 'not-prefetched', count: 2_800, bound: 200 },
      '2,800 more observations the EHR did not send (it sent 200)',
    ],
    [{ type: 'Condition', reason: 'inactive', count: 2 }, '2 resolved or inactive conditions'],
    [
      { type: 'Condition', reason: 'context-full', count: 6, bound: 2_000 },
      '6 conditions over the 2,000-item limit of a context',
    ],
    [{ type: 'Immunization', reason: 'unsupported-type', count: 4 }, '4 immunizations of a type not read'],
    [{ type: 'Basic', reason: 'unsupported-type', count: 1 }, '1 Basic resource of a type not read'],
    [{ type: 'Resource', reason: 'unsupported-type', count: 5 }, '5 other resources of a type not read'],
    [
      { type: 'Observation', reason: 'other-patient', count: 1 },
      '1 observation the EHR sent about another patient',
    ],
  ])('%j reads "%s"', (omission, words) => {
    expect(describeOmission(omission)).toBe(words);
  });
});
