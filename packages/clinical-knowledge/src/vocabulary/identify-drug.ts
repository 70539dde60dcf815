import type { Coding } from '@aloe/shared/schemas';
import { type ClassId, DRUG_CLASSES, type DrugClass, withParents } from '../data/drug-classes.js';
import { RXNORM, VALUE_SETS } from '../generated/value-sets.js';
import { ingredientsNamedIn, KNOWN_INGREDIENTS } from './name-index.js';
import { parseStrengths, type Strength } from './strength.js';

export const RXNORM_SYSTEM = 'http://www.nlm.nih.gov/research/umls/rxnorm';

/** What the vocabulary makes of a medication's codes and names. */
export interface DrugIdentity {
  /** Ingredients, as US names (lower case); empty when the drug could not be identified. */
  ingredients: readonly string[];
  /** The classes of the product and of each ingredient, with their parent classes. */
  classes: ReadonlySet<ClassId>;
  /** `code`: an RxNorm code of the generated value sets; `name`: a known name in a display or text. */
  identifiedBy: 'code' | 'name' | 'none';
  /** The generated value sets the product's code belongs to (ids). */
  valueSets: readonly string[];
  /** A form that acts where it is applied (topical, ophthalmic, otic …), not systemically. */
  localForm: boolean;
  /** Extended-release / long-acting (ER/LA) product. */
  extendedRelease: boolean;
  /** Strength per ingredient as the RxNorm display writes it (per unit, per mL, or per hour). */
  strengths: readonly Strength[];
  /** The most informative name we have (the RxNorm display when the code is known). */
  display: string | undefined;
}

const CLASS_BY_VALUE_SET = new Map<string, ClassId[]>();
for (const [id, drugClass] of Object.entries(DRUG_CLASSES) as Array<[ClassId, DrugClass]>)
  for (const valueSet of drugClass.valueSets ?? [])
    CLASS_BY_VALUE_SET.set(valueSet, [...(CLASS_BY_VALUE_SET.get(valueSet) ?? []), id]);

const MEMBER_CLASSES = new Map<string, ClassId[]>();
for (const [id, drugClass] of Object.entries(DRUG_CLASSES) as Array<[ClassId, DrugClass]>)
  for (const member of drugClass.members)
    MEMBER_CLASSES.set(member, [...(MEMBER_CLASSES.get(member) ?? []), id]);

/** The ingredient a PDDI per-ingredient value set stands for (`valueset-ibuprofen` → ibuprofen). */
function ingredientOfValueSet(id: string): string | undefined {
  const name = /^valueset-([a-z]+)(?:-exclude)?$/.exec(id)?.[1];
  if (!name) return undefined;
  const [ingredient] = ingredientsNamedIn(name);
  return ingredient && KNOWN_INGREDIENTS.has(ingredient) ? ingredient : undefined;
}

// Dose forms that act where applied (RxNorm dose form names). Transdermal systems are systemic
// (fentanyl, buprenorphine), except NSAID patches, which FDA labels as topical.
const LOCAL_FORM =
  /\b(topical|ophthalmic|otic|cutaneous|dermal|medicated pad|shampoo|mouthwash|toothpaste|vaginal cream|lotion|ointment|cream)\b/i;
const EXTENDED_RELEASE = /\b(extended release|\d+ hr|er|xr|xl|sr|cr|sustained release|controlled release)\b/i;
const LOCAL_ROUTE = /\b(topical|ophthalmic|otic|cutaneous|skin|eye|ear|transdermal route)\b/i;

const MAX_REMEMBERED = 20_000;
const remembered = new Map<string, DrugIdentity>();

/**
 * Identifies a medication from every coding it carries (RxNorm codes of the generated value sets
 * first), then by the names in its displays and text (INN/BAN spellings and brands included). Pure;
 * results are remembered (a bounded map), as charts repeat the same products.
 */
export function identifyDrug(
  codings: readonly Coding[] | undefined,
  text?: string,
  route?: string,
): DrugIdentity {
  const key = JSON.stringify([codings, text, route]);
  const known = remembered.get(key);
  if (known) return known;

  const valueSets = new Set<string>();
  let display: string | undefined;
  for (const coding of codings ?? []) {
    if (coding.system !== RXNORM_SYSTEM || !coding.code) continue;
    const entry = RXNORM[coding.code];
    if (!entry) continue;
    display ??= entry[0];
    for (const index of entry[1]) valueSets.add(VALUE_SETS[index]!.id);
  }
  const names = [display, ...(codings ?? []).map((coding) => coding.display), text]
    .filter((name): name is string => Boolean(name))
    .join(' / ');
  const ingredients = new Set(ingredientsNamedIn(names));
  for (const id of valueSets) {
    const ingredient = ingredientOfValueSet(id);
    if (ingredient) ingredients.add(ingredient);
  }

  const classes = new Set<ClassId>();
  const addClass = (id: ClassId) => {
    for (const withParent of withParents(id)) classes.add(withParent);
  };
  for (const id of valueSets) for (const classId of CLASS_BY_VALUE_SET.get(id) ?? []) addClass(classId);
  for (const ingredient of ingredients)
    for (const classId of MEMBER_CLASSES.get(ingredient) ?? []) addClass(classId);

  const productName = display ?? names;
  const isNsaidPatch = classes.has('nsaids') && /\btransdermal\b/i.test(productName);
  const identity: DrugIdentity = {
    ingredients: [...ingredients].sort(),
    classes,
    identifiedBy:
      valueSets.size > 0 && ingredients.size > 0 ? 'code' : ingredients.size > 0 ? 'name' : 'none',
    valueSets: [...valueSets].sort(),
    localForm:
      [...valueSets].some((id) => id.endsWith('-exclude')) ||
      LOCAL_FORM.test(productName) ||
      isNsaidPatch ||
      (route !== undefined && LOCAL_ROUTE.test(route)),
    extendedRelease:
      valueSets.has('extended-release-opioid-with-ambulatory-misuse-potential') ||
      EXTENDED_RELEASE.test(productName) ||
      (classes.has('opioids') && /\btransdermal\b/i.test(productName)),
    strengths: parseStrengths(productName, ingredientsNamedIn),
    display: display ?? codings?.find((coding) => coding.display)?.display ?? text,
  };
  if (remembered.size >= MAX_REMEMBERED) remembered.clear();
  remembered.set(key, identity);
  return identity;
}
