import { type Kafka, type Message, Partitioners, type Producer } from 'kafkajs';
import type { z } from 'zod';
import { InvalidInputError } from '../errors/app-error.js';
import { summarizeIssues } from './decode-message.js';
import { buildHeaders } from './headers.js';
import type { TopicContract } from './topics.js';

export interface OutgoingMessage<S extends z.ZodType> {
  /** The patient pseudonym (per-patient ordering). */
  key: string;
  value: z.input<S>;
  correlationId?: string | undefined;
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
  sendRaw(topic: string, messages: Message[]): Promise<void>;
}

/**
 * An idempotent producer with acks=all: a retried send is not written twice, and a send resolves only
 * once every in-sync replica has the message.
 */
export function createTypedProducer(kafka: Kafka): TypedProducer {
  const producer: Producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });

  return {
    connect: () => producer.connect(),
    disconnect: () => producer.disconnect(),
    async send(contract, messages) {
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
            traceparent: message.traceparent,
          }),
        };
      });
      await producer.send({ topic: contract.name, acks: -1, messages: encoded });
    },
    async sendRaw(topic, messages) {
      await producer.send({ topic, acks: -1, messages });
    },
  };
}
