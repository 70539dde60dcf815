interface ReadinessPart {
  isRunning(): boolean;
  /** Resolves once the consumer has first joined its group. */
  readonly joined: Promise<void>;
}

/**
 * A service's consumers, for its /readyz: ready once start-up has added every one of them (`complete()`,
 * as the HTTP server answers before the consumers exist) and while each one runs (in its group, not
 * crashed and being restarted).
 */
export function createConsumerReadiness() {
  const consumers: ReadinessPart[] = [];
  let complete = false;
  return {
    add<T extends ReadinessPart>(consumer: T): T {
      consumers.push(consumer);
      return consumer;
    },
    /** Every consumer has been added; resolves once each has joined its group (a service is ready then). */
    async complete(): Promise<void> {
      complete = true;
      await Promise.all(consumers.map((consumer) => consumer.joined));
    },
    isReady: (): boolean => complete && consumers.every((consumer) => consumer.isRunning()),
  };
}
export type ConsumerReadiness = ReturnType<typeof createConsumerReadiness>;
