// The page's "at a glance" panel: counts over the chosen period drawn by Chart.js (loaded before this
// module as a classic script, so `Chart` is a global), and the chain's verification against the newest
// signed checkpoint. Values from the log reach the page as text or as canvas pixels, never as markup.
const { Chart } = globalThis;
const $ = (selector) => document.querySelector(selector);

const VERDICTS = ['allow', 'warn', 'block'];
const VERDICT_COLOURS = { allow: '#2e7d32', warn: '#b26a00', block: '#b00020' };
const BAR_COLOUR = '#3b6ea5';
/** Longer axis labels (model ids run to ~80 characters) are cut; the tooltip has them whole. */
const LABEL_CHARS = 28;

const shorten = (label) => (label.length > LABEL_CHARS ? `${label.slice(0, LABEL_CHARS - 1)}…` : label);

function draw(name, counts, colour) {
  const canvas = $(`#chart-${name}`);
  const labels = counts.map((count) => count.key ?? '(none)');
  const data = counts.map((count) => count.count);
  const spoken = labels.map((label, i) => `${label} ${data[i]}`).join(', ');
  canvas.setAttribute('aria-label', `Decisions by ${name}: ${spoken || 'none'}`);
  // A bar a row: the box grows with the labels (set through the CSSOM, which style-src allows).
  canvas.parentElement.style.height = `${2.5 + 1.75 * Math.max(1, labels.length)}rem`;
  Chart.getChart(canvas)?.destroy();
  new Chart(canvas, {
    type: 'bar',
    data: { labels, datasets: [{ label: 'decisions', data, backgroundColor: labels.map(colour) }] },
    options: {
      indexAxis: 'y',
      animation: false,
      maintainAspectRatio: false,
      plugins: { legend: { display: false } },
      scales: {
        x: { beginAtZero: true, ticks: { precision: 0 } },
        y: {
          ticks: {
            callback(value) {
              return shorten(this.getLabelForValue(value));
            },
          },
        },
      },
    },
  });
}

/** The counts from GET /v1/audit/stats: a line of kinds, then a chart by verdict, rule and model. */
export function showStats(stats) {
  $('#period').textContent =
    stats.from || stats.to
      ? `Recorded from ${stats.from ?? 'the start'} to ${stats.to ?? 'now'} (the From and To filters; the others do not apply here).`
      : 'The whole log (From and To choose a period; the other filters do not apply here).';
  const kinds = new Map(stats.byKind.map((count) => [count.key, count.count]));
  $('#kinds').textContent =
    `${stats.decisions} decision(s) · ${kinds.get('feedback') ?? 0} feedback · ${kinds.get('access') ?? 0} access · ${kinds.get('evidence') ?? 0} evidence`;
  // Every verdict has a bar, in the order of severity, even at zero.
  const byVerdict = new Map(stats.byVerdict.map((count) => [count.key, count.count]));
  const verdicts = [...new Set([...VERDICTS, ...byVerdict.keys()])].map((key) => ({
    key,
    count: byVerdict.get(key) ?? 0,
  }));
  $('#counts').hidden = false;
  $('#charts').hidden = stats.decisions === 0;
  if (stats.decisions === 0) return;
  draw('verdict', verdicts, (verdict) => VERDICT_COLOURS[verdict] ?? BAR_COLOUR);
  draw('rule', stats.byRule, () => BAR_COLOUR);
  draw('model', stats.byModel, () => BAR_COLOUR);
}

function describeCheck(verdict, checkedAt) {
  const when = `Checked at ${checkedAt.toISOString()}`;
  if (!verdict.ok)
    return `${when}: the chain recomputed from its start against the newest signed checkpoint, stopping at the first fault (${verdict.rows} row(s) read).`;
  const start = verdict.anchor ? `the signed purge anchor (#${verdict.anchor.seq})` : 'its first row';
  const against = verdict.checkpoint
    ? `the newest checkpoint's signature and signed hash; the ${verdict.rowsAfterCheckpoint} row(s) after it each by its own signature`
    : 'no checkpoint is signed yet, so each row by its own signature';
  return `${when}: every row's hash and link recomputed from ${start}, ${against}.`;
}

/** A verdict from POST /v1/audit/verify: intact or the reason, and the checkpoint it was checked against. */
export function showIntegrity(verdict, checkedAt) {
  $('#integrity').className = verdict.ok ? 'ok' : 'broken';
  const at = verdict.firstBrokenSeq === null ? '' : ` at record #${verdict.firstBrokenSeq}`;
  $('#integrity-state').textContent = verdict.ok
    ? `Intact: ${verdict.rows} row(s) verified`
    : `Broken${at} (${verdict.code}): ${verdict.reason}`;
  const checkpoint = verdict.checkpoint;
  $('#checkpoint-seq').textContent = checkpoint ? `#${checkpoint.seq}` : 'none signed yet';
  $('#checkpoint-time').textContent = checkpoint?.signedAt ?? '–';
  $('#checkpoint-key').textContent = checkpoint?.keyId ?? '–';
  $('#integrity-checked').textContent = describeCheck(verdict, checkedAt);
  $('#glance').hidden = false;
}
