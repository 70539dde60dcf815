// The sandbox EHR as a process: `npm start -w @aloe/sandbox-ehr`.
// SANDBOX_EHR_PORT (default 8080), SANDBOX_EHR_HOST (127.0.0.1), SANDBOX_EHR_SYNTHEA_DIR (load every
// *.json transaction Bundle in it after the seed patients).
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createSandboxEhr, FHIR_BASE_PATH } from './create-sandbox-ehr.js';
import { loadBundle } from './load-bundle.js';
import { SEED_PATIENTS } from './seed/synthetic-patients.js';

const port = Number(process.env.SANDBOX_EHR_PORT ?? 8080);
const host = process.env.SANDBOX_EHR_HOST ?? '127.0.0.1';
const log = (message: string, fields: Record<string, unknown> = {}) =>
  console.log(
    JSON.stringify({ time: new Date().toISOString(), service: 'sandbox-ehr', msg: message, ...fields }),
  );

const ehr = createSandboxEhr({
  onNotificationError: (subscription, error) =>
    log('subscription delivery failed', { subscription, error: (error as Error).message }),
});
for (const patient of SEED_PATIENTS) await loadBundle(ehr.router, ehr.repo, patient.bundle);
log('seeded synthetic patients', { patients: SEED_PATIENTS.map((patient) => patient.id) });

const syntheaDir = process.env.SANDBOX_EHR_SYNTHEA_DIR;
if (syntheaDir) {
  const files = (await readdir(syntheaDir)).filter((file) => file.endsWith('.json') && file !== 'index.json');
  for (const file of files)
    await loadBundle(ehr.router, ehr.repo, JSON.parse(await readFile(join(syntheaDir, file), 'utf8')));
  log('loaded Synthea bundles', { bundles: files.length });
}

const server = ehr.app.listen(port, host, () => {
  const address = server.address();
  log('listening', {
    fhirBase: `http://${host}:${typeof address === 'object' && address ? address.port : port}${FHIR_BASE_PATH}`,
  });
});
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => server.close(() => process.exit(0)));
}
