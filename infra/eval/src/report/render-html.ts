import {
  buildReportDocument,
  type ReportBlock,
  type ReportField,
  type ReportTable,
} from './build-report-document.js';
import { type RenderedChart, type ReportCharts, renderReportCharts } from './charts.js';
import { escapeHtml } from './escape-html.js';
import type { EvalReport } from './report.js';
import { REPORT_STYLES } from './report-styles.js';

/**
 * The report as one self-contained HTML page: inline CSS and inline SVG charts, no script and nothing to
 * fetch (a CSP forbids it, so the page reads the same offline). Every string from the report is escaped.
 */
export async function renderHtml(report: EvalReport): Promise<string> {
  const charts = await renderReportCharts(report);
  const document = buildReportDocument(report);
  const body = document.blocks.map((block) => renderBlock(block, charts)).join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(document.title)}</title>
<style>${REPORT_STYLES}</style>
</head>
<body>
<main>
<h1>${escapeHtml(document.title)}</h1>
${body}
</main>
</body>
</html>
`;
}

function renderBlock(block: ReportBlock, charts: ReportCharts): string {
  switch (block.kind) {
    case 'heading':
      return `<h${block.level}>${escapeHtml(block.text)}</h${block.level}>`;
    case 'warning':
      return `<p class="warning" role="note"><strong>${escapeHtml(block.text)}</strong></p>`;
    case 'fields':
      return `<dl class="fields">\n${block.fields.map(renderField).join('\n')}\n</dl>`;
    case 'table':
      return `<div class="table-scroll">${renderTable(block.table)}</div>`;
    case 'paragraph':
      return `<p>${escapeHtml(block.text)}</p>`;
    case 'list':
      return `<ul>\n${block.items.map((item) => `<li>${escapeHtml(item)}</li>`).join('\n')}\n</ul>`;
    case 'chart': {
      const chart = charts[block.chart];
      return chart === undefined ? '' : renderChart(chart);
    }
  }
}

function renderField(field: ReportField): string {
  const value = field.code ? `<code>${escapeHtml(field.value)}</code>` : escapeHtml(field.value);
  return `<dt>${escapeHtml(field.label)}</dt><dd>${value}</dd>`;
}

function renderTable(table: ReportTable): string {
  const cellClass = (index: number) => (table.columns[index]?.numeric ? ' class="num"' : '');
  const head = table.columns
    .map((column, index) => `<th scope="col"${cellClass(index)}>${escapeHtml(column.label)}</th>`)
    .join('');
  const rows = table.rows.map(
    (row) =>
      `<tr>${row.map((cell, index) => `<td${cellClass(index)}>${escapeHtml(cell)}</td>`).join('')}</tr>`,
  );
  return `<table>
<caption>${escapeHtml(table.caption)}</caption>
<thead><tr>${head}</tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>`;
}

// The SVG comes from Vega, which escapes the text it draws; the table beside it gives the same numbers.
function renderChart(chart: RenderedChart): string {
  return `<figure class="chart">
<figcaption>${escapeHtml(chart.title)}</figcaption>
<div class="chart-body">
<div class="chart-image">${chart.svg}</div>
<div class="chart-data">${renderTable(chart.table)}</div>
</div>
</figure>`;
}
