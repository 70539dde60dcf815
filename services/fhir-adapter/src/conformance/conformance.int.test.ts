// The reference CDS scenarios of HL7 PDDI-CDS and the CDC opioid guideline, posted over HTTP to the
// adapter's CDS service (in-process, an empty sandbox EHR): every scenario whose expected answer can be
// computed from its request must pass.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startLocalService } from './local-service.js';
import { type ConformanceReport, formatReport, runConformance } from './run-conformance.js';

const DATA = join(process.cwd(), '../../../shared/data');
const hasData = existsSync(join(DATA, 'cds-hooks'));

(hasData ? describe : describe.skip)(
  `the reference CDS scenarios${hasData ? '' : ' (skipped: ../shared/data is absent)'}`,
  () => {
    let service: Awaited<ReturnType<typeof startLocalService>>;
    let report: ConformanceReport;

    beforeAll(async () => {
      service = await startLocalService();
      report = await runConformance({ baseUrl: service.url, dataDir: DATA });
      console.log(formatReport(report).split('\n').slice(-2).join('\n'));
    });
    afterAll(() => service?.close());

    it('passes every computable PDDI-CDS scenario, and runs all 12 order-select/order-sign requests', () => {
      expect(report.totals['pddi-cds']).toMatchObject({ total: 21, computable: 12, failed: 0, passed: 12 });
    });

    it('passes every computable CDC opioid scenario, and names why each other one cannot be computed', () => {
      const failed = report.results.filter(
        (result) => result.suite === 'opioid-cds' && result.status === 'failed',
      );
      expect(failed.map((result) => result.file)).toEqual([]);
      expect(report.totals['opioid-cds'].total).toBe(67);
      expect(report.totals['opioid-cds'].computable).toBeGreaterThanOrEqual(44);
      for (const result of report.results.filter((candidate) => candidate.status === 'not-computable'))
        expect(result.reason?.length).toBeGreaterThan(20);
    });

    it('answers every request with HTTP 200, malformed-upstream ones included (repaired as parse-status.json says)', () => {
      expect(
        report.results.filter(
          (result) => result.httpStatus !== 200 && result.hook !== 'medication-prescribe',
        ),
      ).toEqual([]);
    });
  },
);
