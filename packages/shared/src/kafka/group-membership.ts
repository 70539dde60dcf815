/**
 * KafkaJS answers a heartbeat with these when the group is moving partitions or has dropped the member:
 * the message in hand must go back uncommitted (KafkaJS rejoins when eachMessage throws one), never
 * to the dead-letter topic.
 */
const GROUP_CHANGES = new Set([
  'REBALANCE_IN_PROGRESS',
  'NOT_COORDINATOR_FOR_GROUP',
  'ILLEGAL_GENERATION',
  'UNKNOWN_MEMBER_ID',
]);

export function isGroupChange(error: unknown): boolean {
  return GROUP_CHANGES.has(String((error as { type?: unknown } | undefined)?.type));
}

/**
 * Heartbeats for a message being retried: a group change is kept (the caller throws it to KafkaJS);
 * other failures (the broker unreachable for a while) are ignored, the retries go on.
 */
export function createRetryHeartbeat(heartbeat: () => Promise<void>) {
  let groupChange: unknown;
  return {
    async beat(): Promise<void> {
      try {
        await heartbeat();
      } catch (error) {
        if (isGroupChange(error)) groupChange ??= error;
      }
    },
    /** Throws the group change a heartbeat met, if any. */
    throwIfGroupChanged(): void {
      if (groupChange !== undefined) throw groupChange;
    },
    get groupChange(): unknown {
      return groupChange;
    },
  };
}
