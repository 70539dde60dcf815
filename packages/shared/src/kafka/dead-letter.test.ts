import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { CompressionTypes } from 'kafkajs';
import { boundHeaders, buildDeadLetter, DEFAULT_EXCERPT_BYTES } from './dead-letter.js';
import { decodeHeaders, Header } from './headers.js';
import { recordBatchBytes } from './message-size.js';

const source = { topic: 'aloe.patient-context.v1', partition: 2, groupId: 'aloe-guardrails' };
const reason = { code: 'UNAVAILABLE', message: 'inference is down', attempts: 3 };
const at = new Date('2026-11-24T08:00:00Z');
const limit = 64 * 1_024;
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe('buildDeadLetter', () => {
  it('keeps the original key, value and headers and adds where and why it failed', () => {
    const letter = buildDeadLetter(
      {
        key: Buffer.from('pt_1'),
        value: Buffer.from('{bad'),
        headers: { 'correlation-id': 'c-9' },
        offset: '41',
      },
      source,
      { code: 'MALFORMED_JSON', message: 'Not valid JSON', attempts: 0 },
      at,
    );
    expect(letter.truncated).toEqual([]);
    expect(letter.compression).toBe(CompressionTypes.None);
    expect(letter.message.key?.toString()).toBe('pt_1');
    expect(letter.message.value?.toString()).toBe('{bad');
    expect(letter.message.headers).toEqual({
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

  it('keeps a value that fits whole up to the last byte of the limit', () => {
    const headers = { 'correlation-id': 'c-1' };
    const overhead = recordBatchBytes([
      buildDeadLetter({ key: null, value: Buffer.alloc(0), headers, offset: '7' }, source, reason, at, {
        maxMessageBytes: limit,
      }).message,
    ]);
    const value = Buffer.alloc(limit - overhead, 'a');
    const letter = buildDeadLetter({ key: null, value, headers, offset: '7' }, source, reason, at, {
      maxMessageBytes: limit,
    });
    expect(letter.truncated).toEqual([]);
    expect(letter.message.value).toBe(value);
    expect(recordBatchBytes([letter.message])).toBe(limit);
    // One byte more, and it no longer fits whole.
    const over = buildDeadLetter(
      { key: null, value: Buffer.alloc(value.length + 1, 'a'), headers, offset: '7' },
      source,
      reason,
      at,
      { maxMessageBytes: limit },
    );
    expect(over.truncated).toEqual(['value']);
  });

  it('turns a value a few hundred bytes under the limit into an excerpt with its hash, length and origin', () => {
    const value = Buffer.from(`{"padding":"${'x'.repeat(limit - 300)}"}`);
    const letter = buildDeadLetter(
      { key: Buffer.from('pt_9'), value, headers: { 'correlation-id': 'c-2' }, offset: '1234' },
      source,
      reason,
      at,
      { maxMessageBytes: limit },
    );
    const headers = decodeHeaders(letter.message.headers);
    expect(letter.truncated).toEqual(['value']);
    // It reached us uncompressed (it fits), so its letter goes uncompressed too.
    expect(letter.compression).toBe(CompressionTypes.None);
    expect(letter.message.value).toEqual(value.subarray(0, DEFAULT_EXCERPT_BYTES));
    expect(letter.message.key?.toString()).toBe('pt_9');
    expect(headers).toMatchObject({
      'correlation-id': 'c-2',
      [Header.DeadLetterReason]: 'UNAVAILABLE',
      [Header.DeadLetterTruncated]: 'value',
      [Header.DeadLetterValueBytes]: String(value.length),
      [Header.DeadLetterValueSha256]: sha256(value),
      [Header.DeadLetterExcerptBytes]: String(DEFAULT_EXCERPT_BYTES),
      [Header.DeadLetterTopic]: source.topic,
      [Header.DeadLetterPartition]: '2',
      [Header.DeadLetterOffset]: '1234',
    });
    expect(recordBatchBytes([letter.message])).toBeLessThanOrEqual(limit);
  });

  it('sends the excerpt of a value bigger than the limit gzip-compressed, as the original must have come', () => {
    const value = Buffer.alloc(3 * limit, '{"a":1}');
    const letter = buildDeadLetter({ key: null, value, headers: {}, offset: '0' }, source, reason, at, {
      maxMessageBytes: limit,
      excerptBytes: 100,
    });
    expect(letter.compression).toBe(CompressionTypes.GZIP);
    expect(letter.message.value).toEqual(value.subarray(0, 100));
    expect(decodeHeaders(letter.message.headers)[Header.DeadLetterValueBytes]).toBe(String(3 * limit));
  });

  it('cuts the excerpt to the room left, and keeps only where and why when nothing else fits', () => {
    const value = Buffer.alloc(20_000, 'v');
    const manyHeaders = Object.fromEntries(
      Array.from({ length: 7 }, (_, i) => [`x-note-${i}`, Buffer.alloc(1_000, 'h')]),
    );
    const roomy = buildDeadLetter(
      { key: null, value, headers: manyHeaders, offset: '5' },
      source,
      reason,
      at,
      { maxMessageBytes: 12_000 },
    );
    expect(roomy.truncated).toEqual(['value']);
    const excerpt = Number(decodeHeaders(roomy.message.headers)[Header.DeadLetterExcerptBytes]);
    expect(excerpt).toBeGreaterThan(0);
    expect(excerpt).toBeLessThan(12_000 - 7_000);
    expect(recordBatchBytes([roomy.message])).toBeLessThanOrEqual(12_000);

    const bare = buildDeadLetter(
      { key: Buffer.alloc(3_000, 'k'), value, headers: manyHeaders, offset: '5' },
      source,
      reason,
      at,
      { maxMessageBytes: 4_096, excerptBytes: 0 },
    );
    expect(bare.truncated).toEqual(['value', 'key', 'headers']);
    expect(bare.message.value).toHaveLength(0);
    expect(bare.message.key).toHaveLength(1_024);
    expect(Object.keys(bare.message.headers ?? {}).some((name) => name.startsWith('x-note'))).toBe(false);
    expect(decodeHeaders(bare.message.headers)[Header.DeadLetterValueSha256]).toBe(sha256(value));
    expect(recordBatchBytes([bare.message])).toBeLessThanOrEqual(4_096);
  });
});

describe('boundHeaders', () => {
  it('cuts long values, drops oversized names and what passes the total, and earlier dlq-* headers', () => {
    const bounded = boundHeaders({
      'correlation-id': 'c-1',
      'x-long': 'y'.repeat(5_000),
      [`x-${'n'.repeat(300)}`]: 'name too long',
      'x-repeated': ['a', 'b'],
      [Header.DeadLetterTruncated]: 'value',
      'x-1': Buffer.alloc(1_000),
      'x-2': Buffer.alloc(1_000),
      'x-3': Buffer.alloc(1_000),
      'x-4': Buffer.alloc(1_000),
      'x-5': Buffer.alloc(1_000),
      'x-6': Buffer.alloc(1_000),
      'x-7': Buffer.alloc(1_000),
      'x-8': Buffer.alloc(1_000),
    });
    expect(bounded.cut).toBe(true);
    expect(bounded.headers['correlation-id']).toBe('c-1');
    expect(bounded.headers['x-long']).toHaveLength(1_024);
    expect(bounded.headers['x-repeated']).toEqual(['a', 'b']);
    expect(Object.keys(bounded.headers)).not.toContain(Header.DeadLetterTruncated);
    expect(Object.keys(bounded.headers).some((name) => name.startsWith('x-nnn'))).toBe(false);
    // 8 KiB in all: the first headers are kept, the last ones dropped.
    expect(Object.keys(bounded.headers)).toContain('x-6');
    expect(Object.keys(bounded.headers)).not.toContain('x-8');
  });

  it('leaves ordinary headers as they are', () => {
    expect(boundHeaders({ 'correlation-id': 'c-1', traceparent: Buffer.from('00-ab') })).toEqual({
      headers: { 'correlation-id': 'c-1', traceparent: Buffer.from('00-ab') },
      cut: false,
    });
  });
});
