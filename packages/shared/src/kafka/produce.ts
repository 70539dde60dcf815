import { SpanKind } from '@opentelemetry/api';
import { CompressionTypes, type Kafka, type Message, Partitioners, type Producer } from 'kafkajs';
import type { z } from 'zod';
import { InvalidInputError } from '../errors/app-error.js';
import { Attr } from '../tracing/attributes.js';
import { injectTraceContext } from '../tracing/propagation.js';
import { withSpan } from '../tracing/spans.js';
import { summarizeIssues } from './decode-message.js';
import { buildHeaders } from './headers.js';
import { DEFAULT_MAX_MESSAGE_BYTES, recordBatchBytes } from './message-size.js';
import { toSendError } from './send-error.js';
import type { TopicContract } from './topics.js';

/** A message bigger than KAFKA_MAX_MESSAGE_BYTES: refused before the broker is asked (never retried). */
export class MessageTooLargeError extends InvalidInputError {
  constructor(topic: string, index: number, bytes: number, maxBytes: number) {
    super(
      `Message ${index} to ${topic} takes ${bytes} bytes; the limit is ${maxBytes} (KAFKA_MAX_MESSAGE_BYTES, the same as the broker's message.max.bytes)`,
      { details: { topic, index, bytes, maxBytes } },
    );
  }
}

export interface OutgoingMessage<S extends z.ZodType> {
  /** The patient pseudonym (per-patient ordering). */
  key: string;
  value: z.input<S>;
  correlationId?: string | undefined;
  /** Used only when no span is active to propagate (tracing off); a fresh one otherwise. */
  traceparent?: string | undefined;
}

/** A producer that only sends messages valid for their topic's contract. */
export interface TypedProducer {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  send<S extends z.ZodType>(
    contract: TopicContract<S>,
    messages: ReadonlyArray<OutgoingMessage<S>>,
  ): Promise<void>;
  /** Sends already-encoded messages as they are (dead-lettering keeps the original bytes). */
  sendRaw(topic: string, messages: Message[], options?: { compression?: CompressionTypes }): Promise<void>;
  /** The most bytes one record batch may take (KAFKA_MAX_MESSAGE_BYTES); larger messages are refused. */
  readonly maxMessageBytes: number;
}

export interface TypedProducerOptions {
  /** KAFKA_MAX_MESSAGE_BYTES; default 1 MiB, the broker's own default. */
  maxMessageBytes?: number;
}

/**
 * Cuts messages into consecutive runs whose record batch stays within `maxBytes` (KafkaJS puts all of
 * one send's messages for a partition into one batch, which the broker measures whole). Throws
 * MessageTooLargeError, before anything is sent, when one message alone is over the limit.
 */
export function chunkBySize(topic: string, messages: readonly Message[], maxBytes: number): Message[][] {
  const chunks: Message[][] = [];
  let chunk: Message[] = [];
  messages.forEach((message, index) => {
    const alone = recordBatchBytes([message]);
    if (alone > maxBytes) throw new MessageTooLargeError(topic, index, alone, maxBytes);
    if (chunk.length > 0 && recordBatchBytes([...chunk, message]) > maxBytes) {
      chunks.push(chunk);
      chunk = [];
    }
    chunk.push(message);
  });
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}

/**
 * An idempotent producer with acks=all: a retried send is not written twice, and a send resolves only
 * once every in-sync replica has the message. Sizes are checked against `maxMessageBytes` first.
 */
export function createTypedProducer(kafka: Kafka, options: TypedProducerOptions = {}): TypedProducer {
  const maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const producer: Producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  const sendInChunks = async (topic: string, messages: Message[], compression = CompressionTypes.None) => {
    for (const chunk of chunkBySize(topic, messages, maxMessageBytes)) {
      try {
        await producer.send({ topic, acks: -1, compression, messages: chunk });
      } catch (error) {
        throw toSendError(error, topic);
      }
    }
  };

  return {
    maxMessageBytes,
    connect: () => producer.connect(),
    disconnect: () => producer.disconnect(),
    // One PRODUCER span per send; its context travels in each message's headers, so the consumer's
    // span continues this trace instead of starting one.
    send: (contract, messages) =>
      withSpan(
        `send ${contract.name}`,
        {
          kind: SpanKind.PRODUCER,
          attributes: {
            [Attr.MessagingSystem]: 'kafka',
            [Attr.MessagingDestination]: contract.name,
            [Attr.MessagingOperationType]: 'send',
            [Attr.MessagingOperationName]: 'send',
            [Attr.MessagingBatchCount]: messages.length,
            ...(messages.length === 1 ? { [Attr.KafkaMessageKey]: messages[0]!.key } : {}),
            ...(messages.length === 1 && messages[0]!.correlationId
              ? { [Attr.MessagingConversationId]: messages[0]!.correlationId }
              : {}),
          },
        },
        async () => {
          const trace = injectTraceContext({});
          const encoded = messages.map((message, index) => {
            const parsed = contract.schema.safeParse(message.value);
            if (!parsed.success) {
              throw new InvalidInputError(
                `Message ${index} does not match ${contract.name}: ${summarizeIssues(parsed.error.issues)}`,
              );
            }
            return {
              key: message.key,
              value: JSON.stringify(parsed.data),
              headers: buildHeaders({
                schemaVersion: contract.schemaVersion,
                correlationId: message.correlationId,
                traceparent: trace.traceparent ?? message.traceparent,
                tracestate: trace.tracestate,
              }),
            };
          });
          await sendInChunks(contract.name, encoded);
        },
      ),
    async sendRaw(topic, messages, sendOptions = {}) {
      await sendInChunks(topic, messages, sendOptions.compression);
    },
  };
}
