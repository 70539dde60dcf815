#!/usr/bin/env node
// Re-creates src/generated/value-sets.ts from the CC0 / Apache-2.0 value sets and code systems in
// ../shared/data/drug-reference (HL7 PDDI-CDS, CDC opioid CDS R4, CDC opioid MME R4). The output is
// committed; a test compares it with a fresh run whenever ../shared/data is present.
//
// usage: npm run generate -w @aloe/clinical-knowledge [-- --data <drug-reference folder>] [--check]
//   --check   exit 1 (and say so) when the committed file differs from what this run produces
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { XMLParser } from 'fast-xml-parser';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  console.log(
    readFileSync(fileURLToPath(import.meta.url), 'utf8')
      .split('\n')
      .slice(1, 7)
      .join('\n'),
  );
  process.exit(0);
}
const dataArg = args.indexOf('--data');
const dataDir = resolve(
  dataArg >= 0 ? args[dataArg + 1] : join(here, '../../../../shared/data/drug-reference'),
);
const outFile = join(here, '../src/generated/value-sets.ts');

const SYSTEMS = {
  'http://www.nlm.nih.gov/research/umls/rxnorm': 'rxnorm',
  'http://snomed.info/sct': 'snomed',
  'http://loinc.org': 'loinc',
  'http://hl7.org/fhir/sid/icd-10-cm': 'icd10cm',
};

/** Repository, commit and license of a data folder, as its SOURCE.md records them. */
function sourceOf(folder, license) {
  const text = readFileSync(join(dataDir, folder, 'SOURCE.md'), 'utf8');
  const repository = /Repository:\s*(https:\/\/github\.com\/[^\s)]+)/.exec(text)?.[1];
  const commit = /Commit:\s*`([0-9a-f]{40})`/.exec(text)?.[1];
  if (!repository || !commit) throw new Error(`${folder}/SOURCE.md names no repository or commit`);
  return { folder, repository, commit, license };
}

const sources = [
  sourceOf('hl7-pddi-cds', 'CC0-1.0'),
  sourceOf('opioid-cds-r4-valuesets', 'CC0-1.0'),
  sourceOf('opioid-mme-r4', 'Apache-2.0'),
];

// --- read every value set as { url, title, source, includes: [{system, concepts} | {valueSet}], excludes } ---
const xml = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  isArray: (_name, _path, _leaf, isAttribute) => !isAttribute,
});
const value = (node) => node?.[0]?.value;
const definitions = new Map();

for (const file of readdirSync(join(dataDir, 'hl7-pddi-cds/valuesets')).filter((f) => f.endsWith('.xml'))) {
  const set = xml.parse(readFileSync(join(dataDir, 'hl7-pddi-cds/valuesets', file), 'utf8')).ValueSet[0];
  const parts = (kind) =>
    (set.compose?.[0]?.[kind] ?? []).map((part) =>
      part.valueSet
        ? { valueSet: value(part.valueSet) }
        : {
            system: value(part.system),
            concepts: (part.concept ?? []).map((concept) => [value(concept.code), value(concept.display)]),
          },
    );
  definitions.set(value(set.url), {
    url: value(set.url),
    title: value(set.title) ?? value(set.name),
    source: 0,
    includes: parts('include'),
    excludes: parts('exclude'),
  });
}

for (const file of readdirSync(join(dataDir, 'opioid-cds-r4-valuesets')).filter((f) => f.endsWith('.json'))) {
  const set = JSON.parse(readFileSync(join(dataDir, 'opioid-cds-r4-valuesets', file), 'utf8'));
  const bySystem = new Map();
  for (const entry of set.expansion?.contains ?? []) {
    const list = bySystem.get(entry.system) ?? [];
    list.push([entry.code, entry.display]);
    bySystem.set(entry.system, list);
  }
  definitions.set(set.url, {
    url: set.url,
    title: set.title ?? set.name,
    source: 1,
    includes: [...bySystem].map(([system, concepts]) => ({ system, concepts })),
    excludes: [],
  });
}

/** Every [system, code, display] of a value set, includes minus excludes, value set references resolved. */
function expand(url, seen = new Set()) {
  const set = definitions.get(url);
  if (!set || seen.has(url)) return new Map();
  seen.add(url);
  const collect = (parts) => {
    const codes = new Map();
    for (const part of parts) {
      if (part.valueSet) for (const [key, entry] of expand(part.valueSet, seen)) codes.set(key, entry);
      else
        for (const [code, display] of part.concepts)
          if (SYSTEMS[part.system]) codes.set(`${SYSTEMS[part.system]}|${code}`, display ?? '');
    }
    return codes;
  };
  const codes = collect(set.includes);
  for (const key of collect(set.excludes).keys()) codes.delete(key);
  return codes;
}

const valueSets = [...definitions.values()]
  .map((set) => ({ ...set, id: basename(set.url), codes: expand(set.url) }))
  .sort((a, b) => a.id.localeCompare(b.id));
const codeTable = { rxnorm: new Map(), snomed: new Map(), loinc: new Map(), icd10cm: new Map() };
valueSets.forEach((set, index) => {
  for (const [key, display] of set.codes) {
    const [system, code] = key.split('|');
    const entry = codeTable[system].get(code) ?? { display, sets: [] };
    if (!entry.display && display) entry.display = display;
    entry.sets.push(index);
    codeTable[system].set(code, entry);
  }
});

// --- CDC MME conversion factors (clinical supplement) ---
const mme = JSON.parse(
  readFileSync(join(dataDir, 'opioid-mme-r4/codesystem-CDCMMEClinicalConversionFactors.json'), 'utf8'),
);
const mmeFactors = mme.concept.map((concept) => {
  const factor = concept.property.find((p) => p.code === 'conversion-factor')?.valueDecimal;
  const doseForms = concept.property
    .filter((p) => p.code === 'dose-form-conversion-factor')
    .map((p) => {
      const [, form, formFactor, perDay] = /^(\d+):([\d.]+)(?:@([\d.]+))?$/.exec(p.valueString);
      return {
        doseForm: form,
        factor: Number(formFactor),
        ...(perDay ? { dosesPerDay: Number(perDay) } : {}),
      };
    });
  const doseRanges = concept.property
    .filter((p) => p.code === 'dose-range-conversion-factor')
    .map((p) => {
      const [, low, high, rangeFactor] = /^([\d.*]+)-([\d.*]+):([\d.]+)$/.exec(p.valueString);
      return {
        low: low === '*' ? null : Number(low),
        high: high === '*' ? null : Number(high),
        factor: Number(rangeFactor),
      };
    });
  return {
    rxcui: concept.code,
    ingredient: concept.display,
    ...(factor !== undefined ? { factor } : {}),
    ...(doseForms.length ? { doseForms } : {}),
    ...(doseRanges.length ? { doseRanges } : {}),
  };
});

// --- write ---
const json = (data) => JSON.stringify(data);
const table = (map) =>
  `{\n${[...map]
    .sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))
    .map(([code, { display, sets }]) => `  ${json(code)}: [${json(display)}, ${json(sets)}],`)
    .join('\n')}\n}`;
const output = `// GENERATED by scripts/generate-value-sets.mjs from ../shared/data/drug-reference. Do not edit:
// re-create it with \`npm run generate -w @aloe/clinical-knowledge\`.
${sources.map((s) => `// - ${s.folder}: ${s.repository} @ ${s.commit} (${s.license})`).join('\n')}
import type { CodeEntry, GeneratedSource, GeneratedValueSet, MmeConversion } from '../data/generated-types.js';

/** Where each value set came from (index = GeneratedValueSet.source). */
export const SOURCES: readonly GeneratedSource[] = ${json(sources)};

/** Every value set, sorted by id; CodeEntry[1] holds indexes into this list. */
export const VALUE_SETS: readonly GeneratedValueSet[] = [
${valueSets.map((set) => `  ${json({ id: set.id, url: set.url, title: set.title, source: set.source, size: set.codes.size })},`).join('\n')}
];

/** RxNorm code → [display, value sets it belongs to]. */
export const RXNORM: Readonly<Record<string, CodeEntry>> = ${table(codeTable.rxnorm)};

/** SNOMED CT code → [display, value sets]. */
export const SNOMED: Readonly<Record<string, CodeEntry>> = ${table(codeTable.snomed)};

/** LOINC code → [display, value sets]. */
export const LOINC: Readonly<Record<string, CodeEntry>> = ${table(codeTable.loinc)};

/** ICD-10-CM code → [display, value sets]. */
export const ICD10CM: Readonly<Record<string, CodeEntry>> = ${table(codeTable.icd10cm)};

/** CDC MME clinical conversion factors (CodeSystem supplement to RxNorm ingredients), mg/day. */
export const MME_CONVERSIONS: readonly MmeConversion[] = ${json(mmeFactors)};
`;

if (args.includes('--check')) {
  const current = readFileSync(outFile, 'utf8');
  if (current !== output) {
    console.error(`${outFile} is out of date: run npm run generate -w @aloe/clinical-knowledge`);
    process.exit(1);
  }
  console.log(`${outFile} is up to date`);
} else {
  writeFileSync(outFile, output);
  const total = Object.values(codeTable).reduce((sum, map) => sum + map.size, 0);
  console.log(
    `wrote ${outFile}: ${valueSets.length} value sets, ${total} codes, ${mmeFactors.length} MME factors`,
  );
}
