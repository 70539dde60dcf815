import { DRUG_CLASSES } from '../data/drug-classes.js';
import { OTHER_INGREDIENTS, OTHER_NAMES } from '../data/drug-names.js';
import { RXNORM } from '../generated/value-sets.js';

/** Every ingredient the vocabulary knows (US names, lower case). */
export const KNOWN_INGREDIENTS: ReadonlySet<string> = new Set([
  ...Object.values(DRUG_CLASSES).flatMap((drugClass) => drugClass.members),
  ...OTHER_INGREDIENTS,
  ...Object.values(OTHER_NAMES).flat(),
]);

/**
 * The drugs a suggestion may start, by US generic name (sorted): the grammar's enum, so the model can
 * only name a drug the rules can judge. Heroin is in the vocabulary to read records, never to propose.
 */
export const PRESCRIBABLE_DRUGS: readonly string[] = [...KNOWN_INGREDIENTS]
  .filter((name) => name !== 'heroin')
  .sort();

/**
 * Brand names written in RxNorm branded-drug displays ("Acetaminophen 325 MG / Oxycodone Hydrochloride
 * 5 MG Oral Tablet [Percocet]") → the ingredients the same display names. Read once from the generated
 * value sets, so every brand of every product they list is known without a hand-made table.
 */
function brandsFromValueSets(match: (text: string) => string[]): Map<string, string[]> {
  const brands = new Map<string, string[]>();
  for (const [display] of Object.values(RXNORM)) {
    const brand = /\[([^\]]+)\]\s*$/.exec(display)?.[1]?.toLowerCase().trim();
    if (!brand || brand.length < 4 || KNOWN_INGREDIENTS.has(brand)) continue;
    const ingredients = match(display.replace(/\[[^\]]*\]\s*$/, ''));
    if (ingredients.length === 0) continue;
    const known = brands.get(brand) ?? [];
    brands.set(brand, [...new Set([...known, ...ingredients])]);
  }
  return brands;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** One case-insensitive whole-word pattern over names, longest first (so "penicillin g" beats "penicillin"). */
function patternOf(names: Iterable<string>): RegExp {
  const sorted = [...new Set(names)].sort((a, b) => b.length - a.length).map(escapeRegExp);
  return new RegExp(`(?<![a-z0-9])(${sorted.join('|')})(?![a-z0-9])`, 'gi');
}

const INGREDIENT_PATTERN = patternOf([...KNOWN_INGREDIENTS, ...Object.keys(OTHER_NAMES)]);

function matchIngredients(text: string): string[] {
  const found = new Set<string>();
  for (const match of text.toLowerCase().matchAll(INGREDIENT_PATTERN)) {
    const name = match[1]!;
    for (const ingredient of OTHER_NAMES[name] ?? [name]) found.add(ingredient);
  }
  return [...found];
}

let brandIndex: { pattern: RegExp; brands: Map<string, string[]> } | undefined;

/**
 * The ingredients named in a text: US names, INN/BAN names, curated brands and the brands of the
 * generated value sets; case-insensitive, whole words. Pure; the index is built on first use.
 */
export function ingredientsNamedIn(text: string | undefined): string[] {
  if (!text) return [];
  brandIndex ??= (() => {
    const brands = brandsFromValueSets(matchIngredients);
    return { brands, pattern: patternOf(brands.keys()) };
  })();
  const found = new Set(matchIngredients(text));
  for (const match of text.toLowerCase().matchAll(brandIndex.pattern))
    for (const ingredient of brandIndex.brands.get(match[1]!) ?? []) found.add(ingredient);
  return [...found];
}
