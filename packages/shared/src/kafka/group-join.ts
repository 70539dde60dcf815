import type { Consumer } from 'kafkajs';
import type { Logger } from '../logging/logger.js';

/**
 * Follows a consumer's group membership for one topic: `joined` resolves at the first join, and
 * `assignment()` gives the partitions of the latest join (sorted). Both consumer kinds report these.
 */
export function trackGroupJoin(consumer: Consumer, topic: string, logger: Logger) {
  let assignment: number[] = [];
  let resolveJoined!: () => void;
  const joined = new Promise<void>((resolve) => {
    resolveJoined = resolve;
  });
  consumer.on(consumer.events.GROUP_JOIN, (event) => {
    assignment = [...(event.payload.memberAssignment[topic] ?? [])].sort((a, b) => a - b);
    logger.info({ memberId: event.payload.memberId, partitions: assignment }, 'joined group');
    resolveJoined();
  });
  return { joined, assignment: () => [...assignment] };
}
