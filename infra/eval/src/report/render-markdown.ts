import {
  buildReportDocument,
  type ReportBlock,
  type ReportDocument,
  type ReportTable,
} from './build-report-document.js';
import type { EvalReport } from './report.js';

/** The report as Markdown: the cover, a table per dataset, the red-team tables and the notes (no charts). */
export function renderMarkdown(report: EvalReport): string {
  return renderMarkdownDocument(buildReportDocument(report));
}

function renderMarkdownDocument(document: ReportDocument): string {
  const parts = [`# ${escapeMarkdown(document.title)}`, ...document.blocks.flatMap(renderBlock)];
  return `${parts.join('\n\n')}\n`;
}

function renderBlock(block: ReportBlock): string[] {
  switch (block.kind) {
    case 'heading':
      return [`${'#'.repeat(block.level)} ${escapeMarkdown(block.text)}`];
    case 'warning':
      return [`**${escapeMarkdown(block.text)}**`];
    case 'fields':
      return [
        block.fields
          .map(
            (field) =>
              `- **${escapeMarkdown(field.label)}**: ${field.code ? codeSpan(field.value) : escapeMarkdown(field.value)}`,
          )
          .join('\n'),
      ];
    case 'table':
      return [renderTable(block.table)];
    case 'paragraph':
      return [escapeMarkdown(block.text)];
    case 'list':
      return [block.items.map((item) => `- ${escapeMarkdown(item)}`).join('\n')];
    case 'chart':
      return [];
  }
}

function renderTable(table: ReportTable): string {
  const row = (cells: readonly string[]) => `| ${cells.map(escapeMarkdown).join(' | ')} |`;
  return [
    row(table.columns.map((column) => column.label)),
    `|${table.columns.map((column) => (column.numeric ? ' ---: ' : ' --- ')).join('|')}|`,
    ...table.rows.map(row),
  ].join('\n');
}

// Text from the report (dataset names, notes) must stay text: a backslash before every character that
// CommonMark or a GFM table would read as markup, raw HTML included (`\<script>` shows as `<script>`).
const MARKDOWN_SPECIAL = /[\\`*_[\]<>|#~]/g;

function escapeMarkdown(text: string): string {
  return oneLine(text).replace(MARKDOWN_SPECIAL, (character) => `\\${character}`);
}

/** A code span whose fence is longer than any run of backticks inside (CommonMark 6.1). */
function codeSpan(text: string): string {
  const value = oneLine(text);
  const longestRun = Math.max(0, ...(value.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  const padding = value.startsWith('`') || value.endsWith('`') ? ' ' : '';
  return `${fence}${padding}${value}${padding}${fence}`;
}

function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ');
}
