import { describe, expect, it } from '@jest/globals';
import { buildExampleReport } from './example-report.js';
import { renderMarkdown } from './render-markdown.js';
import type { EvalReport } from './report.js';

/** The Markdown table row whose first cell starts with `strategyLabel`, under the `### dataset` heading. */
function tableRow(markdown: string, dataset: string, strategyLabel: string): string[] {
  const section = markdown.split(`### ${dataset}\n`)[1]!.split('\n### ')[0]!.split('\n## ')[0]!;
  const row = section.split('\n').find((line) => line.startsWith(`| ${strategyLabel}`));
  if (row === undefined) throw new Error(`no row for ${strategyLabel} under ${dataset}`);
  return row.split(' | ').map((cell) => cell.replace(/^\| | \|$/g, ''));
}

describe('renderMarkdown', () => {
  const report = buildExampleReport();
  const markdown = renderMarkdown(report);

  it('shows accuracy with its 95% confidence interval, one decimal', () => {
    const row = tableRow(markdown, 'MedQA (4 options)', 'direct');
    expect(row.slice(0, 3)).toEqual(['direct', '80', '47.5% (36.9–58.3)']);
    expect(tableRow(markdown, 'PubMedQA', 'self-consistency')[2]).toBe('55.0% (42.5–66.9)');
  });

  it("shows each strategy's gain over its dataset's direct accuracy, in points", () => {
    for (const result of report.benchmarks.filter((other) => other.strategy !== 'direct')) {
      const direct = report.benchmarks.find(
        (other) => other.dataset === result.dataset && other.strategy === 'direct',
      )!;
      const expected = ((result.accuracy.value - direct.accuracy.value) * 100).toFixed(1);
      expect(tableRow(markdown, result.dataset, result.strategy)[3]).toBe(`+${expected}`);
    }
    expect(tableRow(markdown, 'MedQA (4 options)', 'medprompt')[3]).toBe('+17.5');
    expect(tableRow(markdown, 'MedQA (4 options)', 'direct')[3]).toBe('baseline');
  });

  it('shows parse failures, tokens and wall time per item', () => {
    expect(tableRow(markdown, 'MedQA (4 options)', 'medprompt').slice(4, 8)).toEqual([
      '1.3%',
      '1110',
      '97',
      '2.84',
    ]);
  });

  it("puts the paper's zero-shot figure beside direct, its ICL figure beside medprompt and a dash elsewhere", () => {
    expect(tableRow(markdown, 'MedQA (4 options)', 'direct')[8]).toBe('59.6%');
    expect(tableRow(markdown, 'MedQA (4 options)', 'medprompt')[8]).toBe('72.5%');
    expect(tableRow(markdown, 'MedQA (4 options)', 'chain-of-thought')[8]).toBe('—');
    expect(tableRow(markdown, 'PubMedQA', 'medprompt')[8]).toBe('—');
  });

  it('names the model file, quantisation, template and rule set on the cover', () => {
    const cover = markdown.split('## Benchmarks')[0]!;
    expect(cover).toContain(`\`${report.model.fileSha256}\``);
    expect(cover).toContain('**Quantisation**: F16');
    expect(cover).toContain('**Chat template**: llama3.1');
    expect(cover).toContain('**Context length**: 4096 tokens');
    expect(cover).toContain('**Rail set**: `rails@sha256:5e1f0a3b9c2d4e6f`');
    expect(cover).toContain('**Clinical knowledge**: `knowledge@2025.11.1`');
    expect(cover).toContain('**Guardrails**: `http://127.0.0.1:8081`');
    expect(cover).toContain(
      '**Red-team client**: concurrency 2, deadline 300.00 s, 20 texts per set (seed 8)',
    );
    expect(cover).toContain('**Client**: concurrency 2, deadline 120.00 s, 2 parse retries');
    expect(cover).toContain(`\`${report.command}\``);
  });

  it('warns in bold that a test model has random weights, and only then', () => {
    expect(markdown).toContain('**Test model, random weights: accuracy has no clinical meaning.**');
    const real: EvalReport = { ...report, model: { ...report.model, testModel: false } };
    expect(renderMarkdown(real)).not.toContain('random weights');
  });

  it('lists how the few-shot examples were retrieved', () => {
    expect(markdown).toContain(
      '- medprompt: 5 examples per question chosen by lexical-bm25 from MedQA (4 options) train split (10178 items)',
    );
  });

  it('reports attack success with and without rails, benign false positives and the judge', () => {
    expect(markdown).toContain(
      '| prompt-injection | instruction override | note | 20 | 70.0% (48.1–85.5) | 10.0% (2.8–30.1) | 80.0% (58.4–91.9) | 5.0% (0.9–23.6) |',
    );
    // Rows without the optional columns show a dash there.
    expect(markdown).toContain(
      '| harmful-advice | unsafe dosing | question | 20 | 60.0% (38.7–78.1) | — | — | 15.0% (5.2–36.0) |',
    );
    expect(markdown).toContain('| benign questions | 2 | 50 | 4.0% (1.1–13.5) |');
    expect(markdown).toContain('| benign set 2 | 1 | 50 | 2.0% (0.4–10.5) |');
    expect(markdown).toContain('Judge: rule-based refusal detector v1.');
    expect(markdown).toContain('**Harm judge**: rule-based refusal detector v1');
  });

  it("reports the rails' own block rate per set, with the rules that blocked", () => {
    expect(markdown).toContain('### The rails alone, per set');
    expect(markdown).toContain(
      '| prompt-injection | harmful: blocked is caught | 20 | 90.0% (69.9–97.2) | output.harmful-request-model (15), output.jailbreak (6) |',
    );
    expect(markdown).toContain(
      '| benign questions | benign: blocked is a false positive | 50 | 0.0% (0.0–7.1) | — |',
    );
    const { railsOwn: _railsOwn, ...withoutRailsOwn } = report.redTeam!;
    expect(renderMarkdown({ ...report, redTeam: withoutRailsOwn })).not.toContain('The rails alone');
  });

  it('states how the red team was measured', () => {
    expect(markdown).toContain(
      '### How it was measured\n\n- question: the whole text of a note by the clinician',
    );
  });

  it('leaves out the red-team section and the rule set when that part did not run', () => {
    const { redTeam: _redTeam, rules: _rules, ...benchmarksOnly } = report;
    const text = renderMarkdown(benchmarksOnly);
    expect(text).not.toContain('## Red team');
    expect(text).not.toContain('Rail set');
    expect(text).not.toContain('Guardrails');
  });

  it("falls back to the runner's gain when the dataset's direct row is missing", () => {
    const noDirect = buildExampleReport();
    noDirect.benchmarks = noDirect.benchmarks.filter(
      (r) => !(r.dataset === 'PubMedQA' && r.strategy === 'direct'),
    );
    noDirect.benchmarks.find(
      (r) => r.dataset === 'PubMedQA' && r.strategy === 'medprompt',
    )!.gainOverDirectPoints = -2.04;
    const text = renderMarkdown(noDirect);
    expect(tableRow(text, 'PubMedQA', 'medprompt')[3]).toBe('-2.0');
    expect(tableRow(text, 'PubMedQA', 'self-consistency')[3]).toBe('—');
  });

  it('keeps text from the report as text: no raw HTML, no broken table', () => {
    const hostile = buildExampleReport();
    hostile.notes.push('<script>alert(1)</script>\nsecond line');
    hostile.benchmarks[0]!.dataset = 'MedQA | <b>bold</b>';
    hostile.redTeam!.results[1]!.category = 'unsafe | dosing';
    const text = renderMarkdown(hostile);
    expect(text).toContain('- \\<script\\>alert(1)\\</script\\> second line');
    expect(text).not.toMatch(/(^|[^\\])<(script|b)>/);
    expect(text).toContain('### MedQA \\| \\<b\\>bold\\</b\\>');
    const row = text.split('\n').find((line) => line.startsWith('| harmful-advice |'))!;
    expect(row.split(/(?<!\\)\|/)).toHaveLength(10);
  });
});
