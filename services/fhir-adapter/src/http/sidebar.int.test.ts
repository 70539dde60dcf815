// The SMART sidebar page end to end in a real browser (Debian's Chromium via playwright-core): the
// sandbox EHR launches it (SMART App Launch 2.0, EHR launch, PKCE S256, its own authorization server
// over HTTP), the page shows the patient's cached suggestions, and accept becomes clinician feedback.
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSandboxEhr, FHIR_BASE_PATH, SANDBOX_CLINICIAN } from '@aloe/sandbox-ehr';
import { createLogger } from '@aloe/shared/logging';
import type { ContextItem, Feedback, PatientContext } from '@aloe/shared/schemas';
import { testChromium } from '@aloe/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { type Browser, chromium } from 'playwright-core';
import { chartDeps } from '../../test/chart-deps.js';
import { setFor } from '../../test/suggestion-set.js';
import { createApp } from '../app.js';
import { MemoryCardStore } from '../cards/card-store.js';
import { cardUuid } from '../cards/suggestion-to-card.js';
import { checkChart } from '../flows/check-chart.js';

const CHROMIUM = testChromium('sidebar browser tests');
const describeInBrowser = CHROMIUM.available ? describe : describe.skip;
const SECRET = 'the-deployment-secret';

const listen = async (server: Server) => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

describeInBrowser('the SMART sidebar page', () => {
  let ehrServer: Server;
  let adapterServer: Server;
  let ehr: string;
  let adapter: string;
  let browser: Browser;
  const published: Feedback[] = [];
  const pseudonymOf = (patientId: string) => `pseudonym-of-${patientId}`.padEnd(16, '0');
  const set = setFor(pseudonymOf('1288992'));

  const cards = new MemoryCardStore();
  const deps = {
    cards,
    pseudonymOf,
    publishFeedback: async (feedback: Feedback[]) => {
      published.push(...feedback);
    },
    newId: () => crypto.randomUUID(),
    logger: createLogger({ service: 'sidebar-test', level: 'silent' }),
  };
  /** One adapter replica, reachable at `publicBaseUrl`, sealing with `secret`. */
  const appFor = (
    publicBaseUrl: string,
    secret = SECRET,
    sessionLimits: { sessionIdleMs?: number; sessionMaxMs?: number } = {},
    issuers = [`${ehr}${FHIR_BASE_PATH}`],
  ) =>
    createApp({
      ...deps,
      ...chartDeps(),
      publicBaseUrl,
      verifyEhrJwt: undefined,
      allowUnauthenticated: true,
      fhirServers: [],
      sidebarLaunchUrl: `${publicBaseUrl}/sidebar/launch`,
      sidebar: {
        ...deps,
        publicBaseUrl,
        issuers,
        clientId: 'aloe-sidebar',
        secret,
        ...sessionLimits,
      },
      requestAnalysis: async () => ({ contextId: 'x' }),
      apiToken: undefined,
      ready: async () => true,
    });

  beforeAll(async () => {
    ehrServer = createServer(createSandboxEhr().app);
    ehr = await listen(ehrServer);
    adapterServer = createServer();
    adapter = await listen(adapterServer);
    await cards.put(set);
    adapterServer.on('request', appFor(adapter));
    browser = await chromium.launch({ executablePath: CHROMIUM.executablePath, args: CHROMIUM.args });
  });
  afterAll(async () => {
    await browser?.close();
    await Promise.all(
      [ehrServer, adapterServer].map((server) => new Promise((resolve) => server?.close(resolve))),
    );
  });

  const launch = (patient: string, app = adapter) =>
    `${ehr}/ehr/launch?${new URLSearchParams({ app: `${app}/sidebar/launch`, patient })}`;

  it('launches from the EHR, shows the patient’s allowed and warned suggestions with evidence, and records accept', async () => {
    const page = await browser.newPage();
    const response = await page.goto(launch('1288992'));
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toMatch(
      new RegExp(`default-src 'none'.*frame-ancestors ${ehr.replace(/[.]/g, '\\.')}$`),
    );
    expect(await page.$$eval('article h2', (titles) => titles.map((title) => title.textContent))).toEqual([
      'Warfarin with ibuprofen raises bleeding risk',
    ]);
    const article = (await page.textContent('article'))!;
    expect(article).toContain('Warfarin 5 MG · 2026-01-10');
    expect(article).toContain('INR · 3.6 · 2026-11-18');
    expect(article).toContain('Guardrails: warn (output.interaction)');
    // The model's text stays text: its markdown link is shown, never made a link.
    expect(article).toContain('[click](javascript:alert(1))');
    expect(await page.$$('a')).toHaveLength(0);

    await page.click('button[value=accepted]');
    await page.waitForSelector('.done');
    // The clinician the EHR signed in (its verified id_token's fhirUser) answered this card of this set.
    expect(published).toMatchObject([
      {
        patientPseudonym: set.patient.pseudonym,
        setId: set.setId,
        suggestionId: 's1',
        cardId: cardUuid(set.setId, 's1'),
        source: 'sidebar',
        outcome: 'accepted',
        userRef: SANDBOX_CLINICIAN,
      },
    ]);
    await page.close();
  });

  it('takes the feedback on another replica that shares the secret and the card store', async () => {
    const page = await browser.newPage();
    await page.goto(launch('1288992'));
    const session = (await page.getAttribute('input[name=session]', 'value'))!;
    const card = (await page.getAttribute('input[name=card]', 'value'))!;
    await page.close();
    const replicaB = createServer(appFor(adapter));
    const b = await listen(replicaB);
    try {
      const before = published.length;
      const answer = await fetch(`${b}/sidebar/feedback`, {
        method: 'POST',
        body: new URLSearchParams({ session, card, outcome: 'overridden', answered: '' }),
      });
      expect(answer.status).toBe(200);
      expect(await answer.text()).toContain('your answer is recorded');
      expect(published.slice(before)).toMatchObject([
        { suggestionId: 's1', outcome: 'overridden', source: 'sidebar' },
      ]);
      // A session sealed with another secret is refused.
      const stranger = createServer(appFor(adapter, 'another-secret'));
      const c = await listen(stranger);
      const refused = await fetch(`${c}/sidebar/feedback`, {
        method: 'POST',
        body: new URLSearchParams({ session, card, outcome: 'accepted' }),
      });
      expect(refused.status).toBe(401);
      await new Promise((resolve) => stranger.close(resolve));
    } finally {
      await new Promise((resolve) => replicaB.close(resolve));
    }
  });

  it('renews a session with every answer, ends it when idle, and ends it for good after its maximum', async () => {
    // Seconds instead of the defaults (1 h idle, 12 h in all), on a replica of their own, for a
    // patient with two suggestions shown (the page after one answer still carries a form, and so the
    // renewed session).
    const base = setFor(pseudonymOf('1288993'));
    await cards.put({
      ...base,
      setId: '5d1c7e2a-8b3f-4c6d-9e0a-2b3c4d5e6f7a',
      patient: { ...base.patient, ref: 'Patient/1288993' },
      suggestions: [base.suggestions[0]!, { ...base.suggestions[1]!, verdict: 'allow', reasons: [] }],
    });
    const server = createServer();
    const short = await listen(server);
    server.on('request', appFor(short, SECRET, { sessionIdleMs: 1_500, sessionMaxMs: 3_000 }));
    const sessionIn = (html: string) => /name="session" value="([^"]+)"/.exec(html)![1]!;
    const answer = (session: string, card: string) =>
      fetch(`${short}/sidebar/feedback`, {
        method: 'POST',
        body: new URLSearchParams({ session, card, outcome: 'accepted' }),
      });
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    try {
      const page = await browser.newPage();
      await page.goto(launch('1288993', short));
      const launched = (await page.getAttribute('input[name=session]', 'value'))!;
      const card = (await page.getAttribute('input[name=card]', 'value'))!;
      await page.close();
      const startedAt = Date.now();

      await sleep(700);
      const first = await answer(launched, card);
      expect(first.status).toBe(200);
      const renewed = sessionIn(await first.text());
      expect(renewed).not.toBe(launched);
      await sleep(startedAt + 1_800 - Date.now());
      // Past the launch token's idle limit: it is refused, the renewed one is not.
      expect((await answer(launched, card)).status).toBe(401);
      // The same card again (a changed mind), so the page still shows the other one's form.
      const second = await answer(renewed, card);
      expect(second.status).toBe(200);
      const renewedAgain = sessionIn(await second.text());
      await sleep(startedAt + 3_200 - Date.now());
      // Past the maximum: even a token renewed a moment ago is refused.
      const late = await answer(renewedAgain, card);
      expect(late.status).toBe(401);
      expect(await late.text()).toContain('The sidebar session ended');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('shows the rules’ findings first, the message in words, the evidence of every resource, and wraps at sidebar width', async () => {
    const pseudonym = pseudonymOf('1288994');
    const medication = (ref: string, display: string, date: string): ContextItem => ({
      ref,
      kind: 'medication',
      code: { display },
      status: 'active',
      date,
      dose: { text: 'once daily' },
    });
    const context: PatientContext = {
      contextId: '6a0c8b3e-1f2d-4e5a-9b7c-0d1e2f3a4b5c',
      trigger: { kind: 'cds-hook', hook: 'patient-view' },
      patient: { ref: 'Patient/1288994', pseudonym, ageYears: 71, sex: 'female' },
      fhirBase: `${ehr}${FHIR_BASE_PATH}`,
      capturedAt: '2026-11-24T08:00:00.000Z',
      items: [
        medication('MedicationRequest/w1', 'Warfarin Sodium 5 MG Oral Tablet', '2026-10-01'),
        // One long unbroken string from the EHR must not widen the page.
        medication('MedicationRequest/i1', `Ibuprofen 400 MG Oral Tablet ${'X'.repeat(300)}`, '2026-11-20'),
      ],
      tasks: ['medication-safety'],
    };
    const report = checkChart(context, [], new Date('2026-11-24T08:00:00Z'));
    expect(report.findings.map((finding) => finding.ruleId)).toEqual([
      'knowledge.interaction.warfarin-nsaids',
    ]);
    await cards.putKnowledge(report);

    const page = await browser.newPage({ viewport: { width: 360, height: 900 } });
    await page.goto(launch('1288994'));
    const article = (await page.textContent('article.critical'))!;
    expect(article).toContain('Interaction: warfarin + ibuprofen, bleeding risk, no gastric protection');
    expect(article).toContain('What to do: Use only if the benefit outweighs the risk');
    expect(article).toContain('Warfarin Sodium 5 MG Oral Tablet · once daily · 2026-10-01');
    expect(article).toContain('Ibuprofen 400 MG Oral Tablet');
    expect(article).toContain('Rule knowledge.interaction.warfarin-nsaids');
    expect(await page.getAttribute('article.critical a', 'href')).toMatch(
      /^https:\/\/build\.fhir\.org\/ig\/HL7\/PDDI-CDS\//,
    );
    // Rules first, the message before its rule id.
    const body = (await page.textContent('body'))!;
    expect(body.indexOf('Clinical rules (not AI)')).toBeLessThan(
      body.indexOf('Aloe is reviewing this chart'),
    );
    expect(body.indexOf('What to do')).toBeLessThan(body.indexOf('Rule knowledge.'));
    // Nothing is wider than the sidebar.
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    mkdirSync('.test-output', { recursive: true });
    const screenshot = await page.screenshot({ path: '.test-output/sidebar-360px.png', fullPage: true });
    expect(screenshot.readUInt32BE(16)).toBe(360); // PNG width

    await page.click('article.critical button[value=overridden]');
    await page.waitForSelector('article.critical .done');
    expect(published.at(-1)).toMatchObject({
      patientPseudonym: pseudonym,
      ruleId: 'knowledge.interaction.warfarin-nsaids',
      outcome: 'overridden',
      source: 'sidebar',
    });
    await page.close();
  });

  it('wraps one long unbroken string from the model inside the sidebar', async () => {
    const base = setFor(pseudonymOf('1288995'));
    const unbroken = 'Q'.repeat(2_000);
    await cards.put({
      ...base,
      setId: '7e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b',
      patient: { ...base.patient, ref: 'Patient/1288995' },
      suggestions: [{ ...base.suggestions[0]!, title: unbroken.slice(0, 300), text: unbroken }],
    });
    for (const width of [320, 480]) {
      const page = await browser.newPage({ viewport: { width, height: 900 } });
      await page.goto(launch('1288995'));
      expect(await page.textContent('article')).toContain(unbroken);
      expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(width);
      await page.close();
    }
  });

  it('says the chart is being reviewed for a patient with no suggestions yet', async () => {
    const page = await browser.newPage();
    await page.goto(launch('someone-else'));
    expect(await page.textContent('body')).toContain('Aloe is reviewing this chart');
    await page.close();
  });

  it('refuses an EHR that is not allow-listed, and a callback it did not start', async () => {
    const stranger = await fetch(
      `${adapter}/sidebar/launch?${new URLSearchParams({ iss: 'https://evil.example/fhir', launch: 'x' })}`,
      { redirect: 'manual' },
    );
    expect(stranger.status).toBe(400);
    expect(((await stranger.json()) as { resourceType: string }).resourceType).toBe('OperationOutcome');
    const forged = await fetch(`${adapter}/sidebar/callback?code=abc&state=never-issued`, {
      redirect: 'manual',
    });
    expect(forged.status).toBe(400);
  });

  it('binds the launch to the browser that started it: its callback in another browser is refused', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    let callback = '';
    page.on('request', (request) => {
      if (request.url().includes('/sidebar/callback?')) callback = request.url();
    });
    expect((await page.goto(launch('1288992')))?.status()).toBe(200);
    expect(callback).toContain('/sidebar/callback?');
    // The same callback (state and code), replayed from a browser without the launch cookie.
    const elsewhere = await browser.newContext();
    const stolen = await (await elsewhere.newPage()).goto(callback);
    expect(stolen?.status()).toBe(403);
    expect(await stolen?.text()).toMatch(/started in another browser/);
    await Promise.all([context.close(), elsewhere.close()]);
  });

  it('asks only for launch, openid and fhirUser, and records the reason of a dismissal', async () => {
    const page = await browser.newPage();
    let scope = '';
    page.on('request', (request) => {
      if (request.url().includes('/oauth/authorize'))
        scope = new URL(request.url()).searchParams.get('scope')!;
    });
    await page.goto(launch('1288992'));
    expect(scope.split(' ').sort()).toEqual(['fhirUser', 'launch', 'openid']);
    published.length = 0;
    await page.selectOption('select[name=reason]', 'incorrect');
    await page.click('button[value=overridden]');
    await page.waitForSelector('.done');
    expect(published).toMatchObject([
      { outcome: 'overridden', overrideReason: { code: 'incorrect' }, userRef: SANDBOX_CLINICIAN },
    ]);
    await page.close();
  });

  it('refuses an EHR without PKCE S256, and an id_token missing or signed by a key not the EHR’s', async () => {
    // An EHR of our own whose SMART configuration and id_tokens are wrong on purpose.
    const [published, forged] = [await generateKeyPair('RS256'), await generateKeyPair('RS256')];
    const jwk = { ...(await exportJWK(published.publicKey)), kid: 'k1', alg: 'RS256' };
    const behaviour = { s256: true, idToken: 'none' as 'none' | 'forged' };
    const fake = createServer(async (request, response) => {
      const base = `http://${request.headers.host}`;
      const json = (body: object) => {
        response.setHeader('content-type', 'application/json');
        response.end(JSON.stringify(body));
      };
      if (request.url === '/fhir/.well-known/smart-configuration')
        return json({
          authorization_endpoint: `${base}/authorize`,
          token_endpoint: `${base}/token`,
          code_challenge_methods_supported: behaviour.s256 ? ['S256'] : ['plain'],
        });
      if (request.url === '/fhir/.well-known/openid-configuration')
        return json({ issuer: `${base}/fhir`, jwks_uri: `${base}/jwks` });
      if (request.url === '/jwks') return json({ keys: [jwk] });
      if (request.url === '/token') {
        const idToken =
          behaviour.idToken === 'forged'
            ? await new SignJWT({ fhirUser: 'Practitioner/intruder' })
                .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
                .setIssuer(`${base}/fhir`)
                .setSubject('intruder')
                .setAudience('aloe-sidebar')
                .setIssuedAt()
                .setExpirationTime('5m')
                .sign(forged.privateKey)
            : undefined;
        return json({ access_token: 't', token_type: 'Bearer', patient: '1288992', id_token: idToken });
      }
      response.statusCode = 404;
      response.end();
    });
    const fakeEhr = await listen(fake);
    const replica = createServer(appFor(adapter, SECRET, {}, [`${fakeEhr}/fhir`]));
    const replicaUrl = await listen(replica);
    const launchAt = () =>
      fetch(`${replicaUrl}/sidebar/launch?${new URLSearchParams({ iss: `${fakeEhr}/fhir`, launch: 'x' })}`, {
        redirect: 'manual',
      });
    const callbackOf = async (launched: Response) => {
      const state = new URL(launched.headers.get('location')!).searchParams.get('state')!;
      const cookie = launched.headers.get('set-cookie')!.split(';')[0]!;
      const answer = await fetch(
        `${replicaUrl}/sidebar/callback?${new URLSearchParams({ code: 'c', state })}`,
        {
          headers: { cookie },
        },
      );
      return { status: answer.status, text: await answer.text() };
    };
    try {
      behaviour.s256 = false;
      const noS256 = await launchAt();
      expect(noS256.status).toBe(403);
      expect(await noS256.text()).toMatch(/does not support PKCE S256/);
      behaviour.s256 = true;
      expect(await callbackOf(await launchAt())).toMatchObject({
        status: 403,
        text: expect.stringMatching(/no id_token/),
      });
      behaviour.idToken = 'forged';
      expect(await callbackOf(await launchAt())).toMatchObject({
        status: 403,
        text: expect.stringMatching(/id_token does not verify/),
      });
    } finally {
      await Promise.all([fake, replica].map((server) => new Promise((resolve) => server.close(resolve))));
    }
  });

  it('the sandbox’s authorization server refuses a verifier that does not match the challenge', async () => {
    const token = await fetch(`${ehr}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: 'unknown', code_verifier: 'x' }),
    });
    expect(token.status).toBe(400);
    expect(await token.json()).toMatchObject({ error: 'invalid_grant' });
  });
});
