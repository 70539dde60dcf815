import { describe, expect, it } from '@jest/globals';
import { buildDeadLetter } from './dead-letter.js';

describe('buildDeadLetter', () => {
  it('keeps the original key, value and headers and adds where and why it failed', () => {
    const letter = buildDeadLetter(
      {
        key: Buffer.from('pt_1'),
        value: Buffer.from('{bad'),
        headers: { 'correlation-id': 'c-9' },
        offset: '41',
      },
      { topic: 'aloe.patient-context.v1', partition: 2, groupId: 'aloe-guardrails' },
      { code: 'MALFORMED_JSON', message: 'Not valid JSON', attempts: 0 },
      new Date('2026-11-24T08:00:00Z'),
    );
    expect(letter.key?.toString()).toBe('pt_1');
    expect(letter.value?.toString()).toBe('{bad');
    expect(letter.headers).toEqual({
      'correlation-id': 'c-9',
      'dlq-reason': 'MALFORMED_JSON',
      'dlq-message': 'Not valid JSON',
      'dlq-original-topic': 'aloe.patient-context.v1',
      'dlq-original-partition': '2',
      'dlq-original-offset': '41',
      'dlq-consumer-group': 'aloe-guardrails',
      'dlq-attempts': '0',
      'dlq-failed-at': '2026-11-24T08:00:00.000Z',
    });
  });
});
