import { CLASS_ALIASES, DRUG_CLASSES } from './data/drug-classes.js';

const names = Object.keys(DRUG_CLASSES).sort((a, b) => b.length - a.length);
const DRUG_PATTERN = new RegExp(
  `\\b(${names.map((name) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})\\b`,
  'gi',
);
const ALIAS_PATTERN = new RegExp(`\\b(${Object.keys(CLASS_ALIASES).join('|')})\\b`, 'gi');

// Medication and allergy displays are short and come back in every suggestion of every set; the rails
// read each one once per suggestion, so their drugs are remembered (a bounded map, emptied when full).
const SHORT_TEXT = 200;
const MAX_REMEMBERED = 5_000;
const remembered = new Map<string, ReadonlySet<string>>();

/** Ingredients of the drug table named in a text (case-insensitive, whole words). Pure. */
export function findDrugs(text: string | undefined): ReadonlySet<string> {
  const key = text ?? '';
  const known = remembered.get(key);
  if (known) return known;
  const found = new Set<string>();
  for (const match of key.matchAll(DRUG_PATTERN)) found.add(match[1]!.toLowerCase());
  if (key.length <= SHORT_TEXT) {
    if (remembered.size >= MAX_REMEMBERED) remembered.clear();
    remembered.set(key, found);
  }
  return found;
}

/** The classes of the drugs named in a text, plus classes named outright ("penicillins", "NSAIDs"). */
export function findClasses(text: string | undefined): Set<string> {
  const classes = new Set<string>();
  for (const drug of findDrugs(text))
    for (const drugClass of DRUG_CLASSES[drug] ?? []) classes.add(drugClass);
  for (const match of (text ?? '').matchAll(ALIAS_PATTERN))
    classes.add(CLASS_ALIASES[match[1]!.toLowerCase()]!);
  return classes;
}

export function classesOf(drug: string): readonly string[] {
  return DRUG_CLASSES[drug] ?? [];
}
