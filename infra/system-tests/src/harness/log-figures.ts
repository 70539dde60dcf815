import type { LogLine } from './service.js';

/** How many times each `key` value (a context id, a set id) appears among lines with one of `messages`. */
export function timesLogged(
  lines: LogLine[],
  messages: ReadonlySet<string>,
  key: string,
): Map<string, number> {
  const times = new Map<string, number>();
  for (const line of lines) {
    if (!messages.has(String(line.msg))) continue;
    const value = String(line[key]);
    times.set(value, (times.get(value) ?? 0) + 1);
  }
  return times;
}

/** How many of the counted values came more than once. */
export const moreThanOnce = (times: Map<string, number>): number =>
  [...times.values()].filter((count) => count > 1).length;

/** The inference service's Generate calls by gRPC status, from its Prometheus metrics. */
export async function generateCallsByStatus(metricsUrl: string): Promise<Record<string, number>> {
  const text = await (await fetch(metricsUrl)).text();
  const calls: Record<string, number> = {};
  for (const [, status, count] of text.matchAll(
    /^aloe_inference_requests_total\{[^}]*method="Generate"[^}]*status="([A-Z_]+)"[^}]*\} (\d+)/gm,
  ))
    calls[status!] = Number(count);
  return calls;
}

/** How many sequences the inference service is generating right now (its busy-sequences gauge). */
export async function busySequences(metricsUrl: string): Promise<number> {
  const text = await (await fetch(metricsUrl)).text();
  return Number(/^aloe_inference_busy_sequences(?:\{[^}]*\})? (\d+)/m.exec(text)?.[1] ?? 0);
}

/** The longest time in [from, to] with none of `times` in it (ms): how long work stood still. */
export function longestPause(times: number[], from: number, to: number): number {
  const inside = times.filter((time) => time > from && time < to).sort((a, b) => a - b);
  const points = [from, ...inside, to];
  return Math.max(...points.slice(1).map((time, index) => time - points[index]!));
}
