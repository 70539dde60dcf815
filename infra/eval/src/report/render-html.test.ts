import { beforeAll, describe, expect, it } from '@jest/globals';
import { buildExampleReport } from './example-report.js';
import { renderHtml } from './render-html.js';
import { renderMarkdown } from './render-markdown.js';
import type { EvalReport } from './report.js';

// Anything a browser would fetch from elsewhere: remote src/href, CSS imports and remote url(...).
const REMOTE_LOADS = [
  /\b(?:src|href|xlink:href|action|poster|data)\s*=\s*["']?\s*(?:https?:)?\/\//i,
  /@import/i,
  /url\(\s*["']?\s*(?:https?:)?\/\//i,
];

function hostileReport(): EvalReport {
  const report = buildExampleReport();
  report.notes.push('<script>alert("note")</script>');
  report.benchmarks[0]!.dataset = 'MedQA <img src=x onerror=alert(1)>';
  report.benchmarks[1]!.dataset = report.benchmarks[0]!.dataset;
  report.benchmarks[2]!.dataset = report.benchmarks[0]!.dataset;
  return report;
}

describe('renderHtml', () => {
  let html: string;
  beforeAll(async () => {
    html = await renderHtml(hostileReport());
  });

  it('loads nothing from the network: no script, stylesheet link or remote URL, and a CSP that forbids it', () => {
    for (const pattern of REMOTE_LOADS) expect(html).not.toMatch(pattern);
    expect(html).not.toMatch(/<script|<link|<iframe|<object|<embed/i);
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
    expect(html).toMatch(/<style>[^<]+<\/style>/);
  });

  it('draws one inline SVG per chart, each beside a table of its numbers', async () => {
    expect(html.match(/<svg\b/g)).toHaveLength(2);
    expect(html.match(/<figure class="chart">/g)).toHaveLength(2);
    expect(html).toContain('<caption>Accuracy per strategy (numbers of the chart)</caption>');
    expect(html).toContain(
      '<tr><td>PubMedQA</td><td>self-consistency</td><td class="num">55.0%</td><td class="num">42.5%</td><td class="num">66.9%</td><td class="num">—</td></tr>',
    );
    expect(html).toContain('<caption>Attack success per category (numbers of the chart)</caption>');

    const { redTeam: _redTeam, ...benchmarksOnly } = buildExampleReport();
    const withoutRedTeam = await renderHtml(benchmarksOnly);
    expect(withoutRedTeam.match(/<svg\b/g)).toHaveLength(1);
    expect(withoutRedTeam).not.toContain('Red team');
  });

  it('escapes every string from the report, in the tables, the headings and the charts', () => {
    expect(html).toContain('<li>&lt;script&gt;alert(&quot;note&quot;)&lt;/script&gt;</li>');
    expect(html).toContain('<h3>MedQA &lt;img src=x onerror=alert(1)&gt;</h3>');
    expect(html).not.toContain('<img');
    expect(html).not.toMatch(/onerror=alert\(1\)>/);
  });

  it('shows the same sections as the Markdown, with the same figures', () => {
    const markdown = renderMarkdown(hostileReport());
    const markdownHeadings = [...markdown.matchAll(/^##+ (.+)$/gm)].map((match) =>
      match[1]!.replace(/\\/g, ''),
    );
    const htmlHeadings = [...html.matchAll(/<h[23]>(.+?)<\/h[23]>/g)].map((match) =>
      match[1]!.replace(/&lt;/g, '<').replace(/&gt;/g, '>'),
    );
    expect(htmlHeadings).toEqual(markdownHeadings);
    expect(html).toContain('<td class="num">47.5% (36.9–58.3)</td><td class="num">baseline</td>');
    expect(html).toContain('<td class="num">+17.5</td>');
  });

  it('puts the model identity and the test-model warning on the cover', () => {
    const cover = html.split('<h2>Benchmarks</h2>')[0]!;
    expect(cover).toContain('<strong>Test model, random weights: accuracy has no clinical meaning.</strong>');
    expect(cover).toContain(`<dd><code>${buildExampleReport().model.fileSha256}</code></dd>`);
    expect(cover).toContain('<dt>Rail set</dt><dd><code>rails@sha256:5e1f0a3b9c2d4e6f</code></dd>');
  });
});
