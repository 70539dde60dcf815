import { CLASS_ALIASES, DRUG_CLASSES } from './data/drug-classes.js';

const names = Object.keys(DRUG_CLASSES).sort((a, b) => b.length - a.length);
const DRUG_PATTERN = new RegExp(
  `\\b(${names.map((name) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})\\b`,
  'gi',
);
const ALIAS_PATTERN = new RegExp(`\\b(${Object.keys(CLASS_ALIASES).join('|')})\\b`, 'gi');

/** Ingredients of the drug table named in a text (case-insensitive, whole words). Pure. */
export function findDrugs(text: string | undefined): Set<string> {
  const found = new Set<string>();
  for (const match of (text ?? '').matchAll(DRUG_PATTERN)) found.add(match[1]!.toLowerCase());
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
