// The compliance page's script: calls the audit API with the token typed in (kept in this page's
// memory only) and writes every value with textContent, so nothing from the log can become markup.
import { showIntegrity, showStats } from './glance.js';

const $ = (selector) => document.querySelector(selector);
const status = $('#status');
const rows = $('#records tbody');
let nextAfter = null;

function say(text, kind = '') {
  status.textContent = text;
  status.className = kind;
}

async function call(path, init = {}) {
  const token = $('#token').value.trim();
  if (!token) throw new Error('Enter the compliance token first');
  const response = await fetch(path, { ...init, headers: { authorization: `Bearer ${token}` } });
  if (!response.ok) {
    // The API answers errors as FHIR OperationOutcome: the message in details.text, the code in diagnostics;
    // an export of a log that does not verify answers the verdict (409).
    const body = await response.json().catch(() => undefined);
    const issue = body?.issue?.[0];
    const message =
      body?.ok === false
        ? `the log does not verify, so it is not exported: ${brokenText(body)}`
        : (issue?.details?.text ?? issue?.diagnostics ?? response.statusText);
    throw new Error(`${response.status}: ${message}`);
  }
  return response;
}

function query() {
  const params = new URLSearchParams();
  for (const [name, value] of new FormData($('#search'))) {
    if (!value) continue;
    // datetime-local has no zone: read it as the officer's local time.
    params.set(name, name === 'from' || name === 'to' ? new Date(value).toISOString() : value);
  }
  return params;
}

function cell(row, text, className) {
  const td = row.insertCell();
  td.textContent = text ?? '';
  if (className) td.className = className;
}

async function search(append) {
  const params = query();
  if (append && nextAfter !== null) params.set('after', String(nextAfter));
  const { records, next } = await (await call(`/v1/audit/records?${params}`)).json();
  if (!append) rows.replaceChildren();
  for (const record of records) {
    const row = rows.insertRow();
    row.dataset.seq = String(record.seq);
    cell(row, String(record.seq));
    cell(row, record.recordedAt);
    cell(row, record.kind);
    cell(row, record.patientPseudonym);
    cell(row, record.modelId);
    cell(row, record.verdict, record.verdict ? `verdict-${record.verdict}` : '');
    cell(row, record.ruleIds.join(', '));
  }
  nextAfter = next;
  $('#records').hidden = rows.rows.length === 0;
  $('#more').hidden = records.length < 100;
  say(`${rows.rows.length} record(s)`);
}

async function show(seq) {
  const record = await (await call(`/v1/audit/records/${encodeURIComponent(seq)}`)).json();
  $('#detail h2').textContent = `Record #${record.seq}`;
  $('#detail pre').textContent = JSON.stringify(record, null, 2);
  $('#detail').hidden = false;
}

const brokenText = (verdict) =>
  `${verdict.firstBrokenSeq === null ? 'Chain broken' : `Chain broken at record #${verdict.firstBrokenSeq}`}: ${verdict.reason} (${verdict.code})`;

async function verify() {
  const verdict = await (await call('/v1/audit/verify', { method: 'POST' })).json();
  showIntegrity(verdict, new Date());
  if (verdict.ok) say(`Chain intact: ${verdict.rows} row(s) verified`, 'ok');
  else say(brokenText(verdict), 'error');
}

// The period at a glance: counts over the From/To filters, and the whole chain verified (what the
// Verify button does) against the newest signed checkpoint.
async function glance() {
  const params = query();
  const period = new URLSearchParams();
  for (const name of ['from', 'to']) if (params.has(name)) period.set(name, params.get(name));
  const [stats, verdict] = await Promise.all([
    call(`/v1/audit/stats?${period}`).then((response) => response.json()),
    call('/v1/audit/verify', { method: 'POST' }).then((response) => response.json()),
  ]);
  showIntegrity(verdict, new Date());
  showStats(stats);
}

async function exportAs(format) {
  const blob = await (await call(`/v1/audit/export?format=${format}&${query()}`)).blob();
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = `aloe-audit.${format}`;
  link.click();
  URL.revokeObjectURL(link.href);
  say(`Exported ${format.toUpperCase()}`);
}

const guarded = (action) => (event) => {
  event?.preventDefault?.();
  action(event).catch((error) => say(error.message, 'error'));
};
$('#search').addEventListener(
  'submit',
  guarded(async () => {
    await search(false);
    await glance();
  }),
);
$('#more').addEventListener(
  'click',
  guarded(() => search(true)),
);
$('#verify').addEventListener('click', guarded(verify));
$('#export-ndjson').addEventListener(
  'click',
  guarded(() => exportAs('ndjson')),
);
$('#export-csv').addEventListener(
  'click',
  guarded(() => exportAs('csv')),
);
rows.addEventListener(
  'click',
  guarded((event) => {
    const seq = event.target.closest('tr')?.dataset.seq;
    return seq ? show(seq) : Promise.resolve();
  }),
);
