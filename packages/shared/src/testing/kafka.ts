/** The broker tests talk to: `KAFKA_BROKERS` when set, else the project's own broker (infra/kafka). */
export function testKafkaBrokers(): string[] {
  return (process.env.KAFKA_BROKERS ?? `127.0.0.1:${process.env.KAFKA_PORT ?? '9092'}`)
    .split(',')
    .map((broker) => broker.trim())
    .filter(Boolean);
}
