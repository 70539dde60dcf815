import { describe, expect, it } from '@jest/globals';
import { KafkaJSConnectionError, KafkaJSProtocolError } from 'kafkajs';
import { createRetryHeartbeat } from './group-membership.js';

// KafkaJS's own error classes, as its heartbeat throws them (the broker's answer decoded by type).
const rebalancing = () =>
  new KafkaJSProtocolError({
    type: 'REBALANCE_IN_PROGRESS',
    code: 27,
    retriable: false,
    message: 'The group is rebalancing, so a rejoin is needed',
  } as unknown as Error);

describe('the heartbeat of a message being retried', () => {
  it('keeps a group change for KafkaJS to rejoin on, instead of failing the message', async () => {
    const change = rebalancing();
    const heartbeat = createRetryHeartbeat(async () => {
      throw change;
    });
    await expect(heartbeat.beat()).resolves.toBeUndefined();
    expect(heartbeat.groupChange).toBe(change);
    expect(() => heartbeat.throwIfGroupChanged()).toThrow(change);
  });

  it('lets the retries go on while the broker cannot be reached', async () => {
    const heartbeat = createRetryHeartbeat(async () => {
      throw new KafkaJSConnectionError('Connection error: connect ECONNREFUSED 127.0.0.1:9092');
    });
    await heartbeat.beat();
    expect(heartbeat.groupChange).toBeUndefined();
    expect(() => heartbeat.throwIfGroupChanged()).not.toThrow();
  });
});
