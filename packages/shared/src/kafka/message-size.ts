import type { IHeaders, Message } from 'kafkajs';

/**
 * The default of KAFKA_MAX_MESSAGE_BYTES: the most bytes one record batch may take, the same number
 * for the producer's check, the topics' `max.message.bytes` and the broker's `message.max.bytes`.
 */
export const DEFAULT_MAX_MESSAGE_BYTES = 1_048_576;

/** A record batch's fixed header (base offset, length, epoch, magic, CRC, attributes, … record count). */
export const RECORD_BATCH_OVERHEAD_BYTES = 61;
// Per record: length, attributes, timestamp delta, offset delta, key length, value length and header
// count, each counted at its widest varint; per header: the name's and the value's lengths.
const RECORD_OVERHEAD_BYTES = 5 + 1 + 10 + 5 + 5 + 5 + 5;
const HEADER_OVERHEAD_BYTES = 5 + 5;

export function byteLengthOf(data: Buffer | string | null | undefined): number {
  if (data === null || data === undefined) return 0;
  return typeof data === 'string' ? Buffer.byteLength(data) : data.length;
}

export function headerBytes(headers: IHeaders | undefined): number {
  let total = 0;
  for (const [name, raw] of Object.entries(headers ?? {})) {
    if (raw === undefined) continue;
    for (const value of Array.isArray(raw) ? raw : [raw])
      total += HEADER_OVERHEAD_BYTES + Buffer.byteLength(name) + byteLengthOf(value);
  }
  return total;
}

/** One record's bytes inside a batch, uncompressed (an upper bound: varints counted at their widest). */
export function recordBytes(message: Pick<Message, 'key' | 'value' | 'headers'>): number {
  return (
    RECORD_OVERHEAD_BYTES +
    byteLengthOf(message.key) +
    byteLengthOf(message.value) +
    headerBytes(message.headers)
  );
}

/**
 * The bytes of a record batch holding these messages, uncompressed: what the broker compares with
 * `max.message.bytes` (compression only makes it smaller, give or take gzip's few bytes on noise).
 */
export function recordBatchBytes(
  messages: ReadonlyArray<Pick<Message, 'key' | 'value' | 'headers'>>,
): number {
  return messages.reduce((total, message) => total + recordBytes(message), RECORD_BATCH_OVERHEAD_BYTES);
}
