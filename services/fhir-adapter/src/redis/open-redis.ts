import { maskSecrets } from '@aloe/shared/config';
import { createClient } from '@redis/client';

/**
 * A connected Redis client for state every replica shares (cards, token ids). Calls fail fast while
 * the connection is down; a start-up failure names the setting and the (masked) URL.
 */
export async function openRedis(url: string, setting: string) {
  let connected = false;
  const client = createClient({
    url: url,
    // Calls made while the connection is down fail at once instead of waiting for it: a CDS Hooks
    // call then gets the pending card, not a wait.
    disableOfflineQueue: true,
    socket: {
      connectTimeout: 2_000,
      // At start-up, three tries and a clear error; once connected, reconnect for as long as it takes.
      // (A new Error, not `cause` itself: the client checks `instanceof Error`, and a socket error made
      // in another realm, as under jest, would fail that check and retry forever.)
      reconnectStrategy: (retries, cause) =>
        connected ? Math.min(100 * 2 ** retries, 5_000) : retries >= 2 ? new Error(cause.message) : 200,
    },
  });
  // Without a listener, a dropped connection would crash the process.
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (cause) {
    throw new Error(
      `${setting}: cannot reach Redis at ${maskSecrets(url) as string} (${(cause as Error).message})`,
      { cause },
    );
  }
  connected = true;
  return client;
}
