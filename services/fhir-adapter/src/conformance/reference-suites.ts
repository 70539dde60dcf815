import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { daysSince, rollResource } from './roll-dates.js';

/** A reference scenario: a CDS Hooks request, what it tests, and the answer its suite expects. */
export interface Scenario {
  suite: 'pddi-cds' | 'opioid-cds';
  /** Path under ../shared/data/cds-hooks/<suite folder>. */
  file: string;
  hook: string;
  /** The request after repair and date rolling, ready to post (our prefetch is filled later). */
  request: Record<string, unknown>;
  /** The rule family a card must stand for: an opioid recommendation (`rec10`) or an interaction. */
  topic: string;
  /** The expected cards (summary + indicator); undefined when the suite gives no usable answer. */
  expected?: Array<{ summary: string; indicator: string }>;
  /** Why the expected answer cannot be computed from the request, when it cannot. */
  notComputable?: string;
}

// Opioid scenarios whose expected file contradicts the request (found reading the CDC IG's 2022 logic).
const OPIOID_STALE: Record<string, string> = {
  'OpioidCDSREC06/request-example-rec-06-out-extended-release-27-days.json':
    'the expected answer (no card) contradicts the IG: a 27-day extended-release order meets the 2022 logic and its narrative (7 < supply < 28 days)',
  'OpioidCDSREC08/request-example-rec-08-mme-greater-than-fifty.json':
    'the expected card (MME 54) is stale: the request was edited afterwards and its draft is now Pepto-Bismol, not an opioid',
  'OpioidCDSREC10PatientView/request-example-rec-10-patient-view-illicit-drugs.json':
    'the expected card is the 2016 rule flagging cannabinoids (THC, positive only in the interpretation); the 2022 guideline CDS turns cannabinoid checks off',
};

// Which interaction each PDDI request tests (the IG's testdata page); by file name otherwise.
const PDDI_TOPIC: Record<string, 'warfarin-nsaids' | 'digoxin-cyclosporine'> = {
  'multi-update-draft-orders-1.json': 'warfarin-nsaids',
  'multi-update-draft-orders-2.json': 'digoxin-cyclosporine',
  'multi-update-draft-orders-3.json': 'warfarin-nsaids',
  'multi-update-draft-orders-4.json': 'digoxin-cyclosporine',
};

/** The opioid IG dated its test data on this day (every dataDateRoller's dateLastUpdated). */
export const OPIOID_DATA_DAY = '2023-05-01';
/** The PDDI IG's examples (pddi-spec-03 / -04) are what its requests give on this day. */
export const PDDI_DATA_DAY = '2020-06-01';

/**
 * Parses a request file as the IG's harness repairs it (parse-status.json): most opioid files carry one
 * or two stray `}` that close `prefetch` (or the request) early; each is removed at the position JSON
 * reports, and prefetch items left beside `prefetch` are put back inside it.
 */
export function parseRepaired(text: string): Record<string, unknown> {
  let repaired = text.replace(/^\uFEFF/, '');
  for (let attempt = 0; ; attempt++) {
    try {
      const parsed = JSON.parse(repaired) as Record<string, unknown>;
      const items = Object.entries(parsed).filter(([key]) => /^item\d+$/.test(key));
      if (items.length === 0) return parsed;
      const rest = Object.fromEntries(Object.entries(parsed).filter(([key]) => !/^item\d+$/.test(key)));
      return { ...rest, prefetch: { ...((parsed.prefetch as object) ?? {}), ...Object.fromEntries(items) } };
    } catch (error) {
      const position = Number(/position (\d+)/.exec((error as Error).message)?.[1]);
      if (attempt >= 3 || !Number.isFinite(position)) throw error;
      const brace = repaired.lastIndexOf('}', position - 1);
      repaired = repaired.slice(0, brace) + repaired.slice(brace + 1);
    }
  }
}

/** Rolls every resource of a request (draft orders and prefetch) by `days`. */
function rollRequest(request: Record<string, unknown>, days: number): Record<string, unknown> {
  const context = request.context as Record<string, unknown>;
  const prefetch = (request.prefetch ?? {}) as Record<string, unknown>;
  return {
    ...request,
    context: {
      ...context,
      ...(context.draftOrders ? { draftOrders: rollResource(context.draftOrders, days) } : {}),
    },
    prefetch: Object.fromEntries(
      Object.entries(prefetch).map(([key, value]) => [key, rollResource(value, days)]),
    ),
  };
}

const walk = (folder: string): string[] =>
  readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? walk(join(folder, entry.name)) : [join(folder, entry.name)],
  );
const readJson = (path: string) => parseRepaired(readFileSync(path, 'utf8'));

/** The CDC opioid CDS requests (every one), with their expected cards from `responses/`. */
export function opioidScenarios(dataDir: string, today: Date): Scenario[] {
  const root = join(dataDir, 'opioid-cds-r4');
  const days = daysSince(OPIOID_DATA_DAY, today);
  return walk(join(root, 'requests'))
    .filter((path) => path.endsWith('.json'))
    .sort()
    .map((path) => {
      const file = relative(join(root, 'requests'), path);
      const folder = basename(dirname(path));
      const request = rollRequest(readJson(path), days);
      const responsePath = [
        join(root, 'responses', folder, basename(path).replace(/^request-/, 'response-')),
        join(
          root,
          'responses',
          folder,
          basename(path)
            .replace(/^request-/, 'response-')
            .replace('-illicit-drugs-POS-', '-POS-'),
        ),
      ].find(existsSync);
      const responseText = responsePath ? readFileSync(responsePath, 'utf8').trim() : '';
      const rec = /REC(\d{2})/.exec(folder)?.[1];
      const scenario: Scenario = {
        suite: 'opioid-cds',
        file,
        hook: String(request.hook),
        request,
        topic: rec ? `rec${rec}` : 'hello-world',
      };
      if (!responsePath)
        return { ...scenario, notComputable: 'the suite gives no expected response for this request' };
      if (!responseText)
        return { ...scenario, notComputable: 'the expected response file is empty upstream' };
      const expected = (
        (JSON.parse(responseText) as { cards?: Array<{ summary: string; indicator: string }> }).cards ?? []
      ).map(({ summary, indicator }) => ({ summary, indicator }));
      return { ...scenario, expected, ...(OPIOID_STALE[file] ? { notComputable: OPIOID_STALE[file] } : {}) };
    });
}

/**
 * The PDDI-CDS order-select / order-sign requests, with the IG's card examples as the expected answer
 * (its testdata page: the warfarin requests give pddi-spec-03, the digoxin ones pddi-spec-04), each run
 * on its own (no order-select → order-sign coordination). The older medication-prescribe scenario files
 * are listed, not run.
 */
export function pddiScenarios(dataDir: string, today: Date): Scenario[] {
  const root = join(dataDir, 'pddi-cds');
  const examples = {
    'warfarin-nsaids': readJson(
      join(root, 'spec-examples/pddi-spec-03-cds-hooks-response-and-card-display.json'),
    ),
    'digoxin-cyclosporine': readJson(
      join(root, 'spec-examples/pddi-spec-04-cds-hooks-response-and-card-display.json'),
    ),
  };
  const days = daysSince(PDDI_DATA_DAY, today);
  return readdirSync(join(root, 'requests'))
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => {
      const request = readJson(join(root, 'requests', file));
      if (request.hook !== 'order-select' && request.hook !== 'order-sign')
        return {
          suite: 'pddi-cds' as const,
          file,
          hook: String(request.hook),
          request,
          topic: '-',
          notComputable: `hook ${String(request.hook)} (retired before CDS Hooks 1.0); its dates are CQL expressions the IG's engine evaluates`,
        };
      const selected =
        PDDI_TOPIC[file] ?? (file.startsWith('digoxin') ? 'digoxin-cyclosporine' : 'warfarin-nsaids');
      const example = examples[selected] as { cards: Array<{ summary: string; indicator: string }> };
      return {
        suite: 'pddi-cds' as const,
        file,
        hook: String(request.hook),
        request: rollRequest(request, days),
        topic: selected,
        expected: example.cards.map(({ summary, indicator }) => ({ summary, indicator })),
      };
    });
}
