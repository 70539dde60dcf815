import { describe, expect, it } from '@jest/globals';
import { recordBatchBytes } from './message-size.js';
import { chunkBySize, MessageTooLargeError } from './produce.js';

const message = (bytes: number) => ({ key: 'k', value: Buffer.alloc(bytes) });

describe('chunkBySize', () => {
  it('keeps every send within the limit, in order, since a partition gets one batch per send', () => {
    const messages = [message(400), message(400), message(400), message(100)];
    const chunks = chunkBySize('t', messages, 1_000);
    expect(chunks.map((chunk) => chunk.length)).toEqual([2, 2]);
    expect(chunks.flat()).toEqual(messages);
    for (const chunk of chunks) expect(recordBatchBytes(chunk)).toBeLessThanOrEqual(1_000);
  });

  it('refuses, before anything is sent, a message that is over the limit alone, saying by how much', () => {
    const error = (() => {
      try {
        chunkBySize('aloe.patient-context.v1', [message(10), message(2_000)], 1_000);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(MessageTooLargeError);
    expect((error as MessageTooLargeError).retriable).toBe(false);
    expect((error as Error).message).toMatch(
      /^Message 1 to aloe\.patient-context\.v1 takes \d+ bytes; the limit is 1000 \(KAFKA_MAX_MESSAGE_BYTES/,
    );
  });
});
