import { describe, expect, it } from '@jest/globals';
import { buildAccuracyChartRows, renderReportCharts } from './charts.js';
import { buildExampleReport } from './example-report.js';
import { renderChartSvg } from './render-chart-svg.js';

describe('report charts', () => {
  it('draws accuracy per strategy with CI lines and the paper figures as ticks, one panel per dataset', async () => {
    const report = buildExampleReport();
    const { accuracy } = await renderReportCharts(report);
    expect(accuracy.svg.startsWith('<svg')).toBe(true);
    for (const strategy of ['direct', 'chain-of-thought', 'self-consistency', 'medprompt']) {
      expect(accuracy.svg).toContain(`>${strategy}</text>`);
    }
    expect(accuracy.svg).toContain('>MedQA (4 options)</text>');
    expect(accuracy.svg).toContain('>PubMedQA</text>');
    expect(accuracy.svg.match(/aria-roledescription="bar"/g)).toHaveLength(6);
    expect(accuracy.svg.match(/aria-roledescription="rule mark"/g)).toHaveLength(6);
    expect(accuracy.svg.match(/aria-roledescription="tick"/g)).toHaveLength(2);
    expect(accuracy.svg).toContain('aria-label="paper: 72.5; strategy: medprompt"');
  });

  it('takes the paper figure that matches the strategy, none for the others', () => {
    const rows = buildAccuracyChartRows(buildExampleReport());
    expect(rows.map((row) => [row.dataset, row.strategy, row.paper])).toEqual([
      ['MedQA (4 options)', 'direct', 59.6],
      ['MedQA (4 options)', 'chain-of-thought', null],
      ['MedQA (4 options)', 'medprompt', 72.5],
      ['PubMedQA', 'direct', null],
      ['PubMedQA', 'self-consistency', null],
      ['PubMedQA', 'medprompt', null],
    ]);
    expect(rows[0]!.accuracy).toBeCloseTo(47.5, 9);
    expect(rows[0]!.low).toBeCloseTo(36.92, 9);
    expect(rows[0]!.high).toBeCloseTo(58.3, 9);
  });

  it('draws attack success per category with and without rails, labels unshortened', async () => {
    const { attackSuccess } = await renderReportCharts(buildExampleReport());
    const svg = attackSuccess!.svg;
    // Vega's canvas-free guess (0.8 em a character) would cut this label to fit the 320 px limit.
    expect(svg).toContain('>prompt-injection / instruction override (note)</text>');
    expect(svg).not.toContain('…');
    expect(svg).toContain('>without rails</text>');
    expect(svg).toContain('>with rails</text>');
    expect(svg.match(/aria-roledescription="bar"/g)).toHaveLength(4);
  });

  it('has no attack chart when the red-team part did not run', async () => {
    const { redTeam: _redTeam, ...benchmarksOnly } = buildExampleReport();
    expect((await renderReportCharts(benchmarksOnly)).attackSuccess).toBeUndefined();
  });

  it('refuses a chart that would fetch its data', async () => {
    const spec = {
      data: { url: 'https://example.invalid/data.csv' },
      mark: 'point',
      width: 100,
      height: 100,
      encoding: { x: { field: 'a', type: 'quantitative' } },
    } as const;
    await expect(renderChartSvg(spec)).rejects.toThrow(
      'a report chart asked for network or file resources: https://example.invalid/data.csv',
    );
  });
});
