export { createSandboxEhr, FHIR_BASE_PATH, type SandboxEhr } from './create-sandbox-ehr.js';
export { loadBundle } from './load-bundle.js';
export * as fhirBuilders from './seed/fhir-builders.js';
export { SEED_PATIENTS, type SeedPatient } from './seed/synthetic-patients.js';
export { SANDBOX_CLINICIAN } from './smart-auth.js';
