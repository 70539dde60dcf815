import { describe, expect, it } from '@jest/globals';
import { KafkaJSNonRetriableError, KafkaJSProtocolError } from 'kafkajs';
import { InvalidInputError, isRetriable, UnavailableError } from '../errors/app-error.js';
import { createLogger } from '../logging/logger.js';
import { createKafka } from './create-kafka.js';
import { createTypedProducer } from './produce.js';
import { toSendError } from './send-error.js';
import { topicsWithPrefix } from './topics.js';

const logger = createLogger({ service: 'send-error-test', level: 'fatal' });

/** A port nothing listens on: KafkaJS's connection is refused (ECONNREFUSED), as with a stopped broker. */
const deadBroker = '127.0.0.1:1';

/** What KafkaJS throws once its own retries against a down broker run out. */
async function brokerDownError(): Promise<Error> {
  const kafka = createKafka({ brokers: [deadBroker], clientId: 'send-error-test', retries: 1 }, logger);
  const producer = kafka.producer();
  try {
    await producer.connect();
  } catch (error) {
    return error as Error;
  }
  throw new Error('connecting to a dead broker succeeded');
}

describe('a failed send', () => {
  it('is retriable when the broker is down, though KafkaJS has given up and says it is not', async () => {
    const kafkaError = await brokerDownError();
    expect((kafkaError as { retriable?: boolean }).retriable).toBe(false);
    expect(isRetriable(kafkaError)).toBe(true);

    const translated = toSendError(kafkaError, 'aloe.suggestions.v1');
    expect(translated).toBeInstanceOf(UnavailableError);
    expect(isRetriable(translated)).toBe(true);
    expect((translated as Error).cause).toBe(kafkaError);
    expect((translated as Error).message).toMatch(/^Could not send to aloe\.suggestions\.v1: /);
  });

  it('through the typed producer: a send while disconnected is UnavailableError, not a raw KafkaJS error', async () => {
    const kafka = createKafka({ brokers: [deadBroker], clientId: 'send-error-test', retries: 1 }, logger);
    const producer = createTypedProducer(kafka);
    const sending = producer.sendRaw(topicsWithPrefix('t.').suggestions.name, [{ key: 'k', value: 'v' }]);
    await expect(sending).rejects.toBeInstanceOf(UnavailableError);
    await expect(sending).rejects.toMatchObject({
      retriable: true,
      details: { topic: 't.aloe.suggestions.v1' },
    });
  });

  it('is the caller’s fault, never retried, when the broker refuses the message itself', () => {
    const tooLarge = new KafkaJSProtocolError({
      type: 'MESSAGE_TOO_LARGE',
      code: 10,
      retriable: false,
      message: 'The request included a message larger than the max message size the server will accept',
    } as unknown as Error);
    // As KafkaJS's retrier hands it on: wrapped, with the broker's answer as the cause (the typings
    // know one argument; the constructor takes the cause as its second, as the retrier passes it).
    const Wrapper = KafkaJSNonRetriableError as unknown as new (e: Error, meta: { cause: Error }) => Error;
    const wrapped = new Wrapper(tooLarge, { cause: tooLarge });
    for (const error of [tooLarge, wrapped]) {
      const translated = toSendError(error, 'aloe.audit.v1');
      expect(translated).toBeInstanceOf(InvalidInputError);
      expect(isRetriable(translated)).toBe(false);
    }
    expect(isRetriable(wrapped)).toBe(false);
  });

  it('is the caller’s fault when KafkaJS refuses a malformed send before asking the broker', () => {
    const malformed = new KafkaJSNonRetriableError('Invalid message without value for topic "t"');
    expect(toSendError(malformed, 't')).toBeInstanceOf(InvalidInputError);
    expect(isRetriable(malformed)).toBe(false);
  });

  it('keeps the project’s own errors as they are', () => {
    const own = new InvalidInputError('Message 0 does not match t');
    expect(toSendError(own, 't')).toBe(own);
  });
});
