// The compliance page in a real browser (Debian's Chromium driven by playwright-core) against the real
// app on a port, over a PGlite audit log: search, a record, verify (intact, then tampered), export,
// the role check, log content that must stay text, and the period at a glance (Chart.js charts of the
// counts, the checkpoint's status) with no Content-Security-Policy violation on any page.
import { readFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger } from '@aloe/shared/logging';
import { testChromium } from '@aloe/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Browser, chromium, type Page } from 'playwright-core';
import { testHarmModelDir } from '../../test/harm-model.js';
import { createApp } from '../app.js';
import { type AuditStore, createAuditStore } from '../audit/audit-store.js';
import { openSqlClient, type SqlClient } from '../audit/sql-client.js';
import { type HarmClassifier, loadHarmClassifier } from '../rails/harm/harm-classifier.js';

const CHROMIUM = testChromium('compliance page tests');
const describeInBrowser = CHROMIUM.available ? describe : describe.skip;

const COMPLIANCE = 'compliance-officer-token';
const CLINICIAN = 'clinician-token';
const MARKUP = '<img src=x onerror="window.pwned=1">';
// Older Chromium says "Refused to load…"; Debian's 156 says "Loading… violates the following Content
// Security Policy directive…" (the control test below shows which this one writes).
const CSP_MESSAGE = /Refused to|Content Security Policy/;

/** The little of the page the in-page probes use (this package compiles without the DOM types). */
interface InPage {
  document: {
    querySelector(selector: string): ProbeCanvas;
    addEventListener(
      type: 'securitypolicyviolation',
      listener: (event: { effectiveDirective: string; blockedURI: string }) => void,
    ): void;
    createElement(tag: 'style'): { textContent: string };
    head: { append(node: unknown): void };
  };
  /** Chart.js's global (its UMD build). */
  Chart: {
    getChart(canvas: ProbeCanvas): { data: { labels: string[]; datasets: { data: number[] }[] } } | undefined;
  };
  /** What the init script records of the page's securitypolicyviolation events. */
  cspViolations?: string[];
  pwned?: number;
}
interface ProbeCanvas {
  width: number;
  height: number;
  getAttribute(name: string): string | null;
  getContext(kind: '2d'): {
    getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
  };
}

describeInBrowser('the compliance page', () => {
  let db: SqlClient;
  let audit: AuditStore;
  let harm: HarmClassifier;
  let server: Server;
  let browser: Browser;
  let page: Page;
  let base: string;
  /** Console lines in which Chromium blocked something under the page's CSP, and uncaught errors. */
  const refused: string[] = [];

  beforeAll(async () => {
    db = await openSqlClient('pglite:memory');
    audit = createAuditStore(db);
    await audit.migrate();
    const entry = {
      kind: 'decision' as const,
      recordedAt: '2026-11-20T10:00:00.000Z',
      patientPseudonym: 'pseudonym-page-000001',
      modelId: 'aloe-test@sha256:1',
    };
    await audit.append({
      ...entry,
      dedupeKey: 'd1',
      verdict: 'block',
      ruleIds: ['output.allergy-conflict'],
      payload: { n: 1 },
    });
    await audit.append({ ...entry, dedupeKey: 'd2', verdict: 'allow', ruleIds: [], payload: { n: 2 } });
    await audit.append({
      ...entry,
      dedupeKey: 'd3',
      modelId: MARKUP,
      verdict: 'warn',
      ruleIds: ['output.interaction'],
      payload: { note: MARKUP },
    });
    await audit.append({
      ...entry,
      kind: 'feedback',
      dedupeKey: 'f4',
      recordedAt: '2026-11-20T11:00:00.000Z',
      modelId: null,
      verdict: null,
      ruleIds: [],
      payload: { n: 4 },
    });
    // The newest checkpoint covers rows 1–4; row 5, after it, is checked by its own signature.
    await audit.checkpoint();
    await audit.append({
      ...entry,
      dedupeKey: 'd5',
      recordedAt: '2026-11-25T10:00:00.000Z',
      verdict: 'warn',
      ruleIds: ['output.dose-range'],
      payload: { n: 5 },
    });
    harm = await loadHarmClassifier(testHarmModelDir());
    const app = createApp({
      audit,
      harm,
      complianceTokens: [COMPLIANCE],
      otherTokens: [CLINICIAN],
      logger: createLogger({ service: 'compliance-page-test', level: 'silent' }),
      ready: async () => true,
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM.executablePath, args: CHROMIUM.args });
    // UTC, so the From and To fields (datetime-local, the officer's zone) give the instants below.
    const context = await browser.newContext({ acceptDownloads: true, timezoneId: 'UTC' });
    // Every page load records the violations its CSP reports (an init script is not itself subject to it).
    await context.addInitScript(() => {
      const seen: string[] = [];
      const inPage = globalThis as unknown as InPage;
      inPage.cspViolations = seen;
      inPage.document.addEventListener('securitypolicyviolation', (event) =>
        seen.push(`${event.effectiveDirective} ${event.blockedURI}`),
      );
    });
    page = await context.newPage();
    page.on('console', (message) => {
      if (CSP_MESSAGE.test(message.text())) refused.push(message.text());
    });
    page.on('pageerror', (error) => refused.push(`uncaught: ${error.message}`));
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
    await harm?.close();
    await db?.close();
  });

  async function open(token: string) {
    const response = await page.goto(`${base}/compliance`);
    expect(response?.headers()['content-security-policy']).toMatch(/default-src 'none'.*script-src 'self'/);
    await page.fill('#token', token);
  }

  it('searches by verdict, shows a record, and says the chain is intact', async () => {
    await open(COMPLIANCE);
    await page.selectOption('select[name=verdict]', 'block');
    await page.click('button[type=submit]');
    await page.waitForSelector('#records tbody tr');
    const cells = await page.$$eval('#records tbody tr', (rows) =>
      rows.map((row) => [...row.querySelectorAll('td')].map((td) => td.textContent)),
    );
    expect(cells).toEqual([
      [
        '1',
        '2026-11-20T10:00:00.000Z',
        'decision',
        'pseudonym-page-000001',
        'aloe-test@sha256:1',
        'block',
        'output.allergy-conflict',
      ],
    ]);
    await page.click('#records tbody tr');
    await page.waitForSelector('#detail:not([hidden])');
    expect(await page.textContent('#detail h2')).toBe('Record #1');
    expect(JSON.parse((await page.textContent('#detail pre'))!)).toMatchObject({ seq: 1, payload: { n: 1 } });
    await page.click('#verify');
    await page.waitForSelector('#status.ok');
    expect(await page.textContent('#status')).toBe('Chain intact: 5 row(s) verified');
  });

  it('shows the period at a glance: Chart.js charts of the counts, and the newest checkpoint verified', async () => {
    await open(COMPLIANCE);
    // 20 November only: rows 1–4 (row 5, a warn of the 25th, falls outside).
    await page.fill('input[name=from]', '2026-11-20T00:00');
    await page.fill('input[name=to]', '2026-11-21T00:00');
    await page.click('button[type=submit]');
    await page.waitForSelector('#counts:not([hidden])');
    expect(await page.textContent('#period')).toMatch(
      /^Recorded from 2026-11-20T00:00:00.000Z to 2026-11-21T00:00:00.000Z/,
    );
    expect(await page.textContent('#kinds')).toBe('3 decision(s) · 1 feedback · 0 access · 0 evidence');

    const charts = await page.evaluate(() => {
      const { Chart, document } = globalThis as unknown as InPage;
      // Pixels painted in the verdict colours (bar interiors are exact; axes and text are grey).
      const colours = {
        allow: [46, 125, 50],
        warn: [178, 106, 0],
        block: [176, 0, 32],
        other: [59, 110, 165],
      };
      return Object.fromEntries(
        ['verdict', 'rule', 'model'].map((name) => {
          const canvas = document.querySelector(`#chart-${name}`);
          const chart = Chart.getChart(canvas);
          const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
          const painted: Record<string, number> = { any: 0 };
          for (let i = 0; i < data.length; i += 4) {
            if (data[i + 3] === 0) continue;
            painted.any = (painted.any ?? 0) + 1;
            for (const [colour, [r, g, b]] of Object.entries(colours))
              if (data[i] === r && data[i + 1] === g && data[i + 2] === b)
                painted[colour] = (painted[colour] ?? 0) + 1;
          }
          return [
            name,
            {
              labels: chart?.data.labels,
              counts: chart?.data.datasets[0]?.data,
              painted,
              ariaLabel: canvas.getAttribute('aria-label'),
            },
          ];
        }),
      );
    });
    expect(charts.verdict).toMatchObject({
      labels: ['allow', 'warn', 'block'],
      counts: [1, 1, 1],
      ariaLabel: 'Decisions by verdict: allow 1, warn 1, block 1',
    });
    expect(charts.rule).toMatchObject({
      labels: ['output.allergy-conflict', 'output.interaction'],
      counts: [1, 1],
    });
    expect(charts.model).toMatchObject({ labels: ['aloe-test@sha256:1', MARKUP], counts: [2, 1] });
    for (const colour of ['allow', 'warn', 'block'])
      expect(charts.verdict!.painted[colour]).toBeGreaterThan(20);
    expect(charts.rule!.painted.other).toBeGreaterThan(20);
    expect(charts.model!.painted.other).toBeGreaterThan(20);
    expect(await page.$$('img')).toHaveLength(0); // the markup model id is canvas pixels and attribute text

    // The whole log verified against the newest signed checkpoint, whatever the period.
    await page.waitForSelector('#integrity.ok');
    expect(await page.textContent('#integrity-state')).toBe('Intact: 5 row(s) verified');
    expect(await page.textContent('#checkpoint-seq')).toBe('#4');
    expect(await page.textContent('#checkpoint-time')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(await page.textContent('#checkpoint-key')).toBe(audit.signer.keyId);
    expect(await page.textContent('#integrity-checked')).toMatch(
      /recomputed from its first row, the newest checkpoint's signature and signed hash; the 1 row\(s\) after it each by its own signature\.$/,
    );

    // Chart.js ran under script-src 'self' with no eval and no inline style or script.
    expect(await page.evaluate(() => (globalThis as unknown as InPage).cspViolations)).toEqual([]);
    expect(refused).toEqual([]);
  });

  it('would notice a CSP violation: the listeners catch an inline style the policy refuses', async () => {
    const control = await page.context().newPage();
    const messages: string[] = [];
    control.on('console', (message) => messages.push(message.text()));
    try {
      await control.goto(`${base}/compliance`);
      await control.evaluate(() => {
        const { document } = globalThis as unknown as InPage;
        const style = document.createElement('style');
        style.textContent = 'body { color: red }';
        document.head.append(style);
      });
      await control.waitForFunction(() => ((globalThis as unknown as InPage).cspViolations ?? []).length > 0);
      expect(await control.evaluate(() => (globalThis as unknown as InPage).cspViolations)).toEqual([
        'style-src-elem inline',
      ]);
      expect(messages.filter((text) => CSP_MESSAGE.test(text))).toEqual([
        expect.stringMatching(/inline style .*'style-src 'self''/i),
      ]);
    } finally {
      await control.close();
    }
  });

  it('names the record altered directly in the database', async () => {
    await open(COMPLIANCE);
    await db.exec('ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only');
    await db.query('UPDATE audit_log SET payload = \'{"n": 99}\' WHERE seq = 2');
    await db.exec('ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only');
    try {
      // At a glance (a search verifies too), against the newest checkpoint, which still stands.
      await page.click('button[type=submit]');
      await page.waitForSelector('#integrity.broken');
      expect(await page.textContent('#integrity-state')).toBe(
        'Broken at record #2 (row-hash-mismatch): the row content does not match its hash (altered)',
      );
      expect(await page.textContent('#checkpoint-seq')).toBe('#4');
      expect(await page.textContent('#checkpoint-key')).toBe(audit.signer.keyId);
      expect(await page.textContent('#integrity-checked')).toMatch(
        /stopping at the first fault \(2 row\(s\) read\)/,
      );
      await page.click('#verify');
      await page.waitForSelector('#status.error');
      expect(await page.textContent('#status')).toMatch(
        /^Chain broken at record #2: .* \(row-hash-mismatch\)$/,
      );
    } finally {
      await db.exec('ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only');
      await db.query('UPDATE audit_log SET payload = \'{"n": 2}\' WHERE seq = 2');
      await db.exec('ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only');
    }
  });

  it('shows markup from the log as text, never as markup', async () => {
    await open(COMPLIANCE);
    await page.fill('input[name=rule]', 'output.interaction');
    await page.click('button[type=submit]');
    await page.waitForSelector('#records tbody tr');
    expect(await page.textContent('#records tbody tr td:nth-child(5)')).toBe(MARKUP);
    await page.click('#records tbody tr');
    await page.waitForSelector('#detail:not([hidden])');
    expect(await page.$$('img')).toHaveLength(0);
    expect(await page.evaluate(() => (globalThis as unknown as InPage).pwned)).toBeUndefined();
  });

  it('exports the matching records as CSV', async () => {
    await open(COMPLIANCE);
    await page.selectOption('select[name=verdict]', 'allow');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
    const csv = await readFile((await download.path())!, 'utf8');
    const lines = csv.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^seq,/);
    expect(lines[1]).toMatch(/^2,/);
    expect(lines[2]).toMatch(/^#seal,/); // what the offline verifier checks the file against
  });

  it('tells another role it may not read the log', async () => {
    await open(CLINICIAN);
    await page.click('button[type=submit]');
    await page.waitForSelector('#status.error');
    expect(await page.textContent('#status')).toBe('403: The audit log is for the compliance role only');
  });

  it('broke the Content-Security-Policy on no page load in this suite', () => {
    expect(refused).toEqual([]);
  });
});
