import type { ContextItem } from '@aloe/shared/schemas';
import type { Chart, Medication } from '../chart/chart.js';
import { addDays, dayOf } from '../chart/dates.js';
import { codingsOf, conceptText, SYSTEM } from '../vocabulary/codes.js';
import { isAmbulatory, isBenzodiazepine } from './opioid-meds.js';

// Urine drug screening tests. The IG's LOINC value sets (1,669 codes) are not in ../shared/data: the
// codes its test data use are listed, and any other lab is recognised by its LOINC name (a urine
// specimen and a drug or a screen in the name).
const UDS_LOINC = new Set(['70146-6', '8237-0', '11246-6', '3426-4']);
const URINE = /\burine\b|\bur\b/i;
const DRUG_WORDS =
  /drug|screen|toxicolog|opiate|cocaine|benzoylecgonine|amphetamine|cannabinoid|tetrahydrocannabinol|\bthc\b|phencyclidine|benzodiazepine|barbiturate|methadone|oxycodone|fentanyl|buprenorphine|morphine|codeine|heroin|monoacetylmorphine/i;

export type Substance =
  | 'cocaine'
  | 'phencyclidine'
  | 'heroin'
  | 'amphetamine'
  | 'barbiturate'
  | 'benzodiazepine'
  | 'buprenorphine'
  | 'fentanyl'
  | 'methadone'
  | 'oxycodone'
  | 'opiate';

// Substances in the order they are tested for (the specific opioids before the general "opiates").
const SUBSTANCE_WORDS: ReadonlyArray<[Substance, RegExp]> = [
  ['cocaine', /cocaine|benzoylecgonine/i],
  ['phencyclidine', /phencyclidine|\bpcp\b/i],
  ['heroin', /heroin|mono-?acetylmorphine|6-acetylmorphine/i],
  ['amphetamine', /amphetamine/i],
  ['barbiturate', /barbiturate|butalbital|phenobarbital/i],
  ['benzodiazepine', /benzodiazepine|alprazolam|lorazepam|clonazepam|diazepam|oxazepam|nordiazepam/i],
  ['buprenorphine', /buprenorphine/i],
  ['fentanyl', /fentanyl/i],
  ['methadone', /methadone|\beddp\b/i],
  ['oxycodone', /oxycodone|oxymorphone/i],
  ['opiate', /opiate|morphine|codeine|hydrocodone|hydromorphone/i],
];
/** Always unexpected when positive: no prescription explains them (cannabinoids are off, as in the IG's config). */
const ILLICIT: ReadonlySet<Substance> = new Set(['cocaine', 'phencyclidine', 'heroin']);

/** Whether a prescription is for a substance a urine test looks for. */
const PRESCRIBED: Record<Substance, (medication: Medication) => boolean> = {
  cocaine: () => false,
  phencyclidine: () => false,
  heroin: () => false,
  amphetamine: (m) =>
    m.drug.valueSets.includes('amphetamines-class-medications') ||
    m.drug.ingredients.some((name) => /amphetamine|lisdexamfetamine/.test(name)),
  barbiturate: (m) => m.drug.classes.has('barbiturates'),
  benzodiazepine: isBenzodiazepine,
  buprenorphine: (m) => m.drug.ingredients.includes('buprenorphine'),
  fentanyl: (m) =>
    m.drug.valueSets.includes('fentanyl-type-medications') || m.drug.ingredients.includes('fentanyl'),
  methadone: (m) => m.drug.ingredients.includes('methadone'),
  oxycodone: (m) => m.drug.ingredients.some((name) => name === 'oxycodone' || name === 'oxymorphone'),
  opiate: (m) =>
    m.drug.valueSets.includes('non-synthetic-opioid-medications') ||
    m.drug.ingredients.some((name) => ['morphine', 'codeine', 'opium'].includes(name)),
};

export function isUrineDrugScreen(item: ContextItem): boolean {
  if (
    codingsOf(item).some(
      (coding) => coding.system === SYSTEM.loinc && coding.code && UDS_LOINC.has(coding.code),
    )
  )
    return true;
  const text = conceptText(item);
  return URINE.test(text) && DRUG_WORDS.test(text);
}

export function substanceOf(item: ContextItem): Substance | undefined {
  const text = conceptText(item);
  return SUBSTANCE_WORDS.find(([, words]) => words.test(text))?.[0];
}

/** POS / NEG from the result text (valueString, a coded value's display) or the interpretation code. */
export function resultOf(item: ContextItem): 'positive' | 'negative' | undefined {
  const text = `${item.valueText ?? ''} ${item.interpretation ?? ''}`.trim().toLowerCase();
  if (
    /^(pos|detected|present|reactive)|\bpos(itive)?\b/.test(text) &&
    !/not detected|negative|\bneg\b/.test(text)
  )
    return 'positive';
  if (/^(neg|not detected|absent|non-?reactive)|\bneg(ative)?\b/.test(text)) return 'negative';
  return undefined;
}

/** Urine drug screens of the last 12 months (and a day), results that count. */
export function recentScreens(chart: Chart): ContextItem[] {
  const from = addDays(chart.today, -366);
  return chart.observations.filter((item) => {
    const day = dayOf(item.date);
    return (
      day !== undefined &&
      day >= from &&
      day <= chart.today &&
      !['unknown', 'entered-in-error', 'cancelled'].includes(item.status ?? '') &&
      isUrineDrugScreen(item)
    );
  });
}

export interface UnexpectedResult {
  item: ContextItem;
  substance: Substance;
  result: 'positive' | 'negative';
  /** The prescription that makes a negative unexpected. */
  prescription?: Medication;
}

/**
 * Results a prescription does not explain (CDC 2022 recommendation 10, as the IG computes them):
 * any positive for cocaine, PCP or heroin; a positive for another substance with no prescription for it
 * authored 31 to 1 days before the test; a negative for a substance that was prescribed in that window.
 */
export function unexpectedResults(chart: Chart, screens: readonly ContextItem[]): UnexpectedResult[] {
  const found: UnexpectedResult[] = [];
  for (const item of screens) {
    const substance = substanceOf(item);
    const result = resultOf(item);
    const day = dayOf(item.date);
    if (!substance || !result || day === undefined) continue;
    if (ILLICIT.has(substance)) {
      if (result === 'positive') found.push({ item, substance, result });
      continue;
    }
    const prescription = chart.medications.find(
      (medication) =>
        PRESCRIBED[substance](medication) &&
        isAmbulatory(medication) &&
        ['active', 'completed', 'stopped', undefined].includes(medication.item.status) &&
        medication.startDay !== undefined &&
        medication.startDay >= addDays(day, -31) &&
        medication.startDay <= addDays(day, -1),
    );
    if (result === 'positive' && !prescription) found.push({ item, substance, result });
    if (result === 'negative' && prescription) found.push({ item, substance, result, prescription });
  }
  return found;
}
