import { type CardSeen, compareScenario, type ScenarioResult } from './compare.js';
import { fillPrefetch } from './ehr-prefetch.js';
import { opioidScenarios, pddiScenarios, type Scenario } from './reference-suites.js';

export interface ConformanceReport {
  ranAt: string;
  service: string;
  totals: Record<Scenario['suite'], { total: number; computable: number; passed: number; failed: number }>;
  results: ScenarioResult[];
}

interface Discovery {
  services: Array<{ id: string; hook: string; prefetch?: Record<string, string> }>;
}

/**
 * Posts every reference scenario to a running CDS service (`baseUrl`, e.g. http://host:port) as an EHR
 * would: the service's own prefetch templates (from its discovery) filled from the scenario's
 * resources, the draft orders in the context, dates rolled to today. Compares each answer with the
 * suite's expected cards (compare.ts).
 */
export async function runConformance(options: {
  baseUrl: string;
  dataDir: string;
  today?: Date;
  headers?: () => Promise<Record<string, string>>;
}): Promise<ConformanceReport> {
  const today = options.today ?? new Date();
  const base = options.baseUrl.replace(/\/+$/, '');
  const headers = async () => ({ 'content-type': 'application/json', ...(await options.headers?.()) });
  const discovery = (await (
    await fetch(`${base}/cds-services`, { headers: await headers() })
  ).json()) as Discovery;
  const scenarios = [
    ...pddiScenarios(`${options.dataDir}/cds-hooks`, today),
    ...opioidScenarios(`${options.dataDir}/cds-hooks`, today),
  ];
  const results: ScenarioResult[] = [];
  for (const scenario of scenarios) {
    const service = discovery.services.find((candidate) => candidate.hook === scenario.hook);
    if (!service) {
      results.push(
        compareScenario(
          { ...scenario, notComputable: scenario.notComputable ?? `no ${scenario.hook} service` },
          0,
          [],
        ),
      );
      continue;
    }
    const context = scenario.request.context as { patientId: string };
    const patientId = String(context.patientId).replace(/^Patient\//, '');
    const body = {
      ...scenario.request,
      hookInstance: crypto.randomUUID(),
      fhirServer: undefined,
      prefetch: fillPrefetch(
        service.prefetch ?? {},
        scenario.request.prefetch as Record<string, unknown>,
        patientId,
      ),
    };
    const response = await fetch(`${base}/cds-services/${service.id}`, {
      method: 'POST',
      headers: await headers(),
      body: JSON.stringify(body),
    });
    const answer = (await response.json().catch(() => ({}))) as {
      cards?: Array<{ summary: string; indicator: string; source?: { topic?: { code?: string } } }>;
    };
    const cards: CardSeen[] = (answer.cards ?? []).map((card) => ({
      summary: card.summary,
      indicator: card.indicator,
      ...(card.source?.topic?.code ? { topic: card.source.topic.code } : {}),
    }));
    results.push(compareScenario(scenario, response.status, cards));
  }
  const totals = {} as ConformanceReport['totals'];
  for (const suite of ['pddi-cds', 'opioid-cds'] as const) {
    const mine = results.filter((result) => result.suite === suite);
    totals[suite] = {
      total: mine.length,
      computable: mine.filter((result) => result.status !== 'not-computable').length,
      passed: mine.filter((result) => result.status === 'passed').length,
      failed: mine.filter((result) => result.status === 'failed').length,
    };
  }
  return { ranAt: today.toISOString(), service: base, totals, results };
}

/** The per-scenario table and the totals, as the runner prints them. */
export function formatReport(report: ConformanceReport): string {
  const describe = (value: { alert: boolean; indicator?: string } | undefined) =>
    value ? (value.alert ? `alert (${value.indicator})` : 'no alert') : '—';
  const rows = report.results.map((result) => [
    result.status === 'passed' ? 'PASS' : result.status === 'failed' ? 'FAIL' : 'n/c',
    result.suite,
    result.file,
    result.hook,
    result.topic,
    describe(result.expected),
    describe(result.actual),
    result.reason ?? '',
  ]);
  const header = ['', 'suite', 'request', 'hook', 'tests', 'expected', 'answered', 'not computable because'];
  const widths = header.map((title, column) =>
    Math.min(70, Math.max(title.length, ...rows.map((row) => row[column]!.length))),
  );
  const line = (cells: string[]) =>
    cells.map((cell, column) => cell.slice(0, widths[column]).padEnd(widths[column]!)).join('  ');
  const totals = Object.entries(report.totals).map(
    ([suite, total]) =>
      `${suite}: ${total.passed} passed / ${total.computable} computable / ${total.total} total (${total.failed} failed)`,
  );
  return [line(header), ...rows.map(line), '', ...totals].join('\n');
}
