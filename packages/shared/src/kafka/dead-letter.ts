import { createHash } from 'node:crypto';
import { CompressionTypes, type IHeaders, type KafkaMessage, type Message } from 'kafkajs';
import { Header } from './headers.js';
import { DEFAULT_MAX_MESSAGE_BYTES, recordBatchBytes } from './message-size.js';

export interface DeadLetterReason {
  /** A stable code: SCHEMA_INVALID, MALFORMED_JSON, RETRIES_EXHAUSTED, or the handler's AppError code. */
  code: string;
  /** A PHI-free explanation (paths and rules, never values). */
  message: string;
  attempts: number;
}

export interface DeadLetterLimits {
  /** KAFKA_MAX_MESSAGE_BYTES: the letter's record batch never takes more. */
  maxMessageBytes: number;
  /** The most bytes of the value an oversized letter keeps (default 16 KiB). */
  excerptBytes?: number;
}

/** A dead letter and how to send it. */
export interface DeadLetter {
  message: Message;
  /** GZIP when the original cannot have reached us uncompressed (it is bigger than the limit), else none. */
  compression: CompressionTypes;
  /** What was cut to fit: `value`, `key`, `headers` (empty for a whole copy). */
  truncated: ReadonlyArray<'value' | 'key' | 'headers'>;
}

export const DEFAULT_EXCERPT_BYTES = 16 * 1024;
// The original's own headers are copied within these bounds (a traceparent is 55 bytes, an id 36).
const MAX_HEADER_NAME_BYTES = 256;
const MAX_HEADER_VALUE_BYTES = 1_024;
const MAX_COPIED_HEADERS_BYTES = 8 * 1_024;
const MAX_EXCERPT_KEY_BYTES = 1_024;
const DEAD_LETTER_HEADER_PREFIX = 'dlq-';
// An excerpt letter may be sent gzip-compressed: gzip adds up to 5 bytes per 16 KiB of noise plus ~20
// bytes of framing, and KafkaJS 4 bytes of record count; this covers a letter of any size we build.
const COMPRESSION_SLACK_BYTES = 256;

/**
 * The dead-letter copy of a message: the original key, value and headers, plus where it came from and
 * why it failed (Nevon/kafkajs-dlq's shape). When that copy would not fit in `maxMessageBytes` (a
 * value near the limit plus our headers, or a compressed value bigger than the limit once unpacked),
 * the letter carries an excerpt of the value with the whole value's sha256 and length instead; the
 * original stays findable by topic, partition and offset. Pure.
 */
export function buildDeadLetter(
  original: Pick<KafkaMessage, 'key' | 'value' | 'headers' | 'offset'>,
  source: { topic: string; partition: number; groupId: string },
  reason: DeadLetterReason,
  now: Date,
  limits: DeadLetterLimits = { maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES },
): DeadLetter {
  const copied = boundHeaders(original.headers);
  const why: Record<string, string> = {
    [Header.DeadLetterReason]: reason.code,
    [Header.DeadLetterMessage]: reason.message.slice(0, 1_000),
    [Header.DeadLetterTopic]: source.topic,
    [Header.DeadLetterPartition]: String(source.partition),
    [Header.DeadLetterOffset]: original.offset,
    [Header.DeadLetterGroup]: source.groupId,
    [Header.DeadLetterAttempts]: String(reason.attempts),
    [Header.DeadLetterAt]: now.toISOString(),
  };
  const whole: Message = {
    key: original.key,
    value: original.value,
    headers: {
      ...copied.headers,
      ...why,
      ...(copied.cut ? { [Header.DeadLetterTruncated]: 'headers' } : {}),
    },
  };
  if (recordBatchBytes([whole]) <= limits.maxMessageBytes)
    return { message: whole, compression: CompressionTypes.None, truncated: copied.cut ? ['headers'] : [] };
  const reachedUsCompressed =
    recordBatchBytes([{ key: original.key, value: original.value, headers: original.headers }]) >
    limits.maxMessageBytes;
  return {
    ...excerptLetter(original, copied, why, limits),
    compression: reachedUsCompressed ? CompressionTypes.GZIP : CompressionTypes.None,
  };
}

function excerptLetter(
  original: Pick<KafkaMessage, 'key' | 'value'>,
  copied: { headers: IHeaders; cut: boolean },
  why: Record<string, string>,
  limits: DeadLetterLimits,
): Omit<DeadLetter, 'compression'> {
  const value = original.value ?? Buffer.alloc(0);
  const truncated: Array<'value' | 'key' | 'headers'> = ['value'];
  let key = original.key;
  if (key && key.length > MAX_EXCERPT_KEY_BYTES) {
    key = key.subarray(0, MAX_EXCERPT_KEY_BYTES);
    truncated.push('key');
  }
  let kept = copied.headers;
  if (copied.cut) truncated.push('headers');
  const headersWith = (excerptBytes: number): IHeaders => ({
    ...kept,
    ...why,
    [Header.DeadLetterTruncated]: truncated.join(','),
    [Header.DeadLetterValueBytes]: String(value.length),
    [Header.DeadLetterValueSha256]: createHash('sha256').update(value).digest('hex'),
    [Header.DeadLetterExcerptBytes]: String(excerptBytes),
  });
  const budget = limits.maxMessageBytes - COMPRESSION_SLACK_BYTES;
  // The room left for the excerpt once everything else is in (the excerpt length at its widest).
  const roomFor = () => budget - recordBatchBytes([{ key, value: null, headers: headersWith(value.length) }]);
  if (roomFor() < 0 && Object.keys(kept).length > 0) {
    kept = {};
    if (!truncated.includes('headers')) truncated.push('headers');
  }
  const excerptBytes = Math.max(
    0,
    Math.min(value.length, limits.excerptBytes ?? DEFAULT_EXCERPT_BYTES, roomFor()),
  );
  return {
    message: { key, value: value.subarray(0, excerptBytes), headers: headersWith(excerptBytes) },
    truncated,
  };
}

/**
 * The original's headers within bounds: names over 256 bytes dropped, values cut to 1 KiB, at most
 * 8 KiB in all (later ones dropped); our own `dlq-*` headers of an earlier dead-lettering are dropped
 * (the new ones say what happened this time). `cut` says whether anything was cut or dropped.
 */
export function boundHeaders(headers: IHeaders | undefined): { headers: IHeaders; cut: boolean } {
  const bounded: IHeaders = {};
  let cut = false;
  let total = 0;
  for (const [name, raw] of Object.entries(headers ?? {})) {
    if (raw === undefined || name.startsWith(DEAD_LETTER_HEADER_PREFIX)) continue;
    const nameBytes = Buffer.byteLength(name);
    if (nameBytes > MAX_HEADER_NAME_BYTES) {
      cut = true;
      continue;
    }
    const values = (Array.isArray(raw) ? raw : [raw]).map((value) => {
      const bytes = typeof value === 'string' ? Buffer.from(value) : value;
      if (bytes.length <= MAX_HEADER_VALUE_BYTES) return value;
      cut = true;
      return bytes.subarray(0, MAX_HEADER_VALUE_BYTES);
    });
    const size = values.reduce((sum, value) => sum + nameBytes + Buffer.byteLength(value), 0);
    if (total + size > MAX_COPIED_HEADERS_BYTES) {
      cut = true;
      continue;
    }
    total += size;
    bounded[name] = Array.isArray(raw) ? values : values[0];
  }
  return { headers: bounded, cut };
}
