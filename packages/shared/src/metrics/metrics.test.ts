// The metrics server on real sockets: it listens where it is told, and only there.
import { networkInterfaces } from 'node:os';
import { afterEach, describe, expect, it } from '@jest/globals';
import { createMetricsRegistry, type MetricsServer, startMetricsServer } from './metrics.js';

/** An IPv4 address of this machine other than loopback: how a scraper in another pod reaches it. */
const externalAddress = Object.values(networkInterfaces())
  .flat()
  .find((candidate) => candidate?.family === 'IPv4' && !candidate.internal)?.address;

const servers: MetricsServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function scrape(host: string, port: number): Promise<string> {
  const response = await fetch(`http://${host}:${port}/metrics`, { signal: AbortSignal.timeout(5_000) });
  return response.text();
}

describe('the metrics server', () => {
  it('on 127.0.0.1 answers on loopback only', async () => {
    const server = await startMetricsServer(createMetricsRegistry('test'), { host: '127.0.0.1', port: 0 });
    servers.push(server);
    expect(server.host).toBe('127.0.0.1');
    expect(await scrape('127.0.0.1', server.port)).toContain(
      'process_cpu_user_seconds_total{service="test"}',
    );
    if (externalAddress) await expect(scrape(externalAddress, server.port)).rejects.toThrow(/fetch failed/);
  });

  it('on 0.0.0.0 answers on every interface, as a scraper from another pod reaches it', async () => {
    const server = await startMetricsServer(createMetricsRegistry('test'), { host: '0.0.0.0', port: 0 });
    servers.push(server);
    expect(server.host).toBe('0.0.0.0');
    expect(await scrape('127.0.0.1', server.port)).toContain('service="test"');
    if (!externalAddress) console.warn('no non-loopback IPv4 address here: only the bound host was checked');
    else expect(await scrape(externalAddress, server.port)).toContain('service="test"');
  });
});
