// `npm run conformance -w @aloe/fhir-adapter [-- --url <CDS service base URL>] [--out <file.json>]`:
// posts every HL7 PDDI-CDS and CDC opioid CDS reference request to the service and compares the answers
// with the suites' expected cards. Without --url it starts the adapter's service in this process
// (development mode, an empty sandbox EHR). A service given by --url must accept unauthenticated
// calls (FHIR_ADAPTER_CDS_ALLOW_UNAUTHENTICATED=true). Exits 1 when a computable scenario fails.
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLocalService } from './local-service.js';
import { formatReport, runConformance } from './run-conformance.js';

const args = process.argv.slice(2);
const option = (name: string) => {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : undefined;
};
if (args.includes('--help') || args.includes('-h')) {
  console.log(
    'usage: npm run conformance -w @aloe/fhir-adapter [-- --url <CDS service base URL>] [--out <file.json>] [--data <shared/data>]',
  );
  process.exit(0);
}
const serviceDir = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const dataDir = resolve(option('--data') ?? resolve(serviceDir, '../../../shared/data'));
if (!existsSync(resolve(dataDir, 'cds-hooks'))) {
  console.log(`conformance: ${dataDir}/cds-hooks is absent; nothing to run`);
  process.exit(0);
}
const local = option('--url') ? undefined : await startLocalService();
try {
  const report = await runConformance({ baseUrl: option('--url') ?? local!.url, dataDir });
  console.log(formatReport(report));
  const out = resolve(option('--out') ?? resolve(serviceDir, 'conformance-results.json'));
  await writeFile(out, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nresults written to ${out}`);
  process.exitCode = Object.values(report.totals).some((total) => total.failed > 0) ? 1 : 0;
} finally {
  await local?.close();
}
