import { AppError, InvalidInputError, UnavailableError } from '../errors/app-error.js';

/** Broker answers that blame the message itself: sending it again cannot help. */
const REFUSED_MESSAGE_TYPES = new Set([
  'MESSAGE_TOO_LARGE',
  'RECORD_LIST_TOO_LARGE',
  'INVALID_RECORD',
  'CORRUPT_MESSAGE',
  'INVALID_TIMESTAMP',
]);

/** The error and the errors it wraps (KafkaJS nests its cause once per retry layer). */
function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let link = error; link !== undefined && chain.length < 6 && !chain.includes(link); ) {
    chain.push(link);
    link = link instanceof Error ? (link as { cause?: unknown }).cause : undefined;
  }
  return chain;
}

/** KafkaJS's own refusals of a malformed send (`Invalid topic`, `Invalid message without value …`). */
const isMalformedSend = (error: unknown) =>
  error instanceof Error &&
  error.name === 'KafkaJSNonRetriableError' &&
  (error as { cause?: unknown }).cause === undefined &&
  error.message.startsWith('Invalid ');

/**
 * What a failed send means for its caller. A message the broker or KafkaJS refuses for what it is
 * (too large, malformed) is the caller's fault: InvalidInputError, never retried. Anything else (the
 * broker down past KafkaJS's own retries, a leader moving, a timeout) is UnavailableError, retriable,
 * whatever KafkaJS's `retriable` flag says by then: the message is good and must not be dead-lettered.
 */
export function toSendError(error: unknown, topic: string): unknown {
  if (error instanceof AppError) return error;
  const chain = causeChain(error);
  const refusal = chain.find(
    (link) => REFUSED_MESSAGE_TYPES.has(String((link as { type?: unknown }).type)) || isMalformedSend(link),
  );
  const kafkaError = error instanceof Error ? error.name : 'unknown';
  const reason = error instanceof Error ? error.message : String(error);
  if (refusal)
    return new InvalidInputError(`The send to ${topic} was refused: ${reason}`, {
      cause: error,
      details: { topic, kafkaError },
    });
  return new UnavailableError(`Could not send to ${topic}: ${reason}`, {
    cause: error,
    details: { topic, kafkaError },
  });
}
