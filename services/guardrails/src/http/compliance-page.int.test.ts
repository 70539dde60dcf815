// The compliance page in a real browser (Debian's Chromium driven by playwright-core) against the real
// app on a port, over a PGlite audit log: search, a record, verify (intact, then tampered), export,
// the role check, and log content that must stay text.
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

describeInBrowser('the compliance page', () => {
  let db: SqlClient;
  let audit: AuditStore;
  let harm: HarmClassifier;
  let server: Server;
  let browser: Browser;
  let page: Page;
  let base: string;

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
    page = await (await browser.newContext({ acceptDownloads: true })).newPage();
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
    expect(await page.textContent('#status')).toBe('Chain intact: 3 row(s) verified');
  });

  it('names the record altered directly in the database', async () => {
    await open(COMPLIANCE);
    await db.exec('ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only');
    await db.query('UPDATE audit_log SET payload = \'{"n": 99}\' WHERE seq = 2');
    await db.exec('ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only');
    try {
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
    expect(await page.evaluate(() => (globalThis as { pwned?: number }).pwned)).toBeUndefined();
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
});
