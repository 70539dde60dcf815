import type { Chart, Medication } from '../chart/chart.js';
import { addDays, dayOf, daysBetween } from '../chart/dates.js';

// The CDC opioid CDS IG's value sets (ids of the generated tables) and the rules it builds them with.
export const OPIOID_ANALGESICS = 'opioid-analgesics-with-ambulatory-misuse-potential';
export const EXTENDED_RELEASE_OPIOIDS = 'extended-release-opioid-with-ambulatory-misuse-potential';
const BENZODIAZEPINES = 'benzodiazepine-medications';
const CNS_DEPRESSANTS = 'cns-depressant-medications';
const NALOXONE = 'naloxone-medications';
const MOUD = 'buprenorphine-and-methadone-medications';
// The opioid value set leaves out cough and cold combinations and injectables (its rules text): a product
// we identify by name only is held to the same rule.
const NOT_AN_ANALGESIC =
  /guaifenesin|chlorpheniramine|pseudoephedrine|brompheniramine|phenylephrine|phenylpropanolamine|promethazine|bromodiphenhydramine|guaiacolsulfonate|homatropine|inject|cartridge|syringe/i;

const inSet = (medication: Medication, id: string) => medication.drug.valueSets.includes(id);
/** A product whose RxNorm code is in our tables: the value sets' membership is then authoritative. */
const coded = (medication: Medication) => medication.drug.valueSets.length > 0;

/** An opioid analgesic with ambulatory misuse potential (the IG's trigger for every recommendation). */
export function isOpioidAnalgesic(medication: Medication): boolean {
  if (inSet(medication, OPIOID_ANALGESICS)) return true;
  if (coded(medication)) return false;
  return (
    medication.drug.classes.has('opioids') &&
    !NOT_AN_ANALGESIC.test(`${medication.drug.display ?? ''} ${medication.drug.ingredients.join(' ')}`)
  );
}

export function isExtendedReleaseOpioid(medication: Medication): boolean {
  return (
    inSet(medication, EXTENDED_RELEASE_OPIOIDS) ||
    (isOpioidAnalgesic(medication) && medication.drug.extendedRelease)
  );
}

export function isBenzodiazepine(medication: Medication): boolean {
  return inSet(medication, BENZODIAZEPINES) || medication.drug.classes.has('benzodiazepines');
}

/** REC 11: a benzodiazepine, or another CNS depressant the IG lists (Z-drugs, oxybates …). */
export function isBenzodiazepineOrCnsDepressant(medication: Medication): boolean {
  return (
    isBenzodiazepine(medication) ||
    inSet(medication, CNS_DEPRESSANTS) ||
    medication.drug.classes.has('z-drugs')
  );
}

export function isNaloxone(medication: Medication): boolean {
  return inSet(medication, NALOXONE) || medication.drug.ingredients.includes('naloxone');
}

/** Buprenorphine or methadone: medications for opioid use disorder (REC 12). */
export function isMoud(medication: Medication): boolean {
  return (
    inSet(medication, MOUD) ||
    medication.drug.ingredients.some((name) => name === 'buprenorphine' || name === 'methadone')
  );
}

/** Ambulatory (community) prescribing: the IG's category; a record without a category is not inpatient. */
export function isAmbulatory(medication: Medication): boolean {
  return medication.item.category !== 'inpatient';
}

/** The days a prescription covers: expectedSupplyDuration, else quantity ÷ (dose × doses a day). */
export function supplyDays(medication: Medication): number | undefined {
  const { supply, dose } = medication.item;
  if (supply?.days !== undefined) return supply.days;
  const perDose = dose?.quantity?.value;
  if (supply?.quantity?.value === undefined || !perDose || !dose?.frequencyPerDay) return undefined;
  return Math.floor(supply.quantity.value / (perDose * dose.frequencyPerDay));
}

/** CDC 2022 pain duration: subacute/chronic when the supply or the validity period is 28 days or more. */
export function isSubacuteOrChronic(medication: Medication): boolean {
  const days = supplyDays(medication);
  const validity = medication.item.supply?.validity;
  const start = dayOf(validity?.start);
  const end = dayOf(validity?.end);
  return (
    (days !== undefined && days >= 28) ||
    (start !== undefined && end !== undefined && daysBetween(start, end) >= 28)
  );
}

/** CDC 2022 acute pain: a supply under 28 days. */
export function isAcute(medication: Medication): boolean {
  const days = supplyDays(medication);
  return days !== undefined && days < 28;
}

/**
 * Active ambulatory prescriptions of the chart (not the drafts) matching `predicate`, authored within
 * two years before today (the IG's "Active Ambulatory … Rx").
 */
export function activeAmbulatoryRx(
  chart: Chart,
  predicate: (medication: Medication) => boolean,
): Medication[] {
  return chart.medications.filter(
    (medication) =>
      (medication.item.status === 'active' || medication.item.status === undefined) &&
      isAmbulatory(medication) &&
      medication.startDay !== undefined &&
      medication.startDay <= chart.today &&
      daysBetween(medication.startDay, chart.today) <= 730 &&
      predicate(medication),
  );
}

/** Opioid naive: no active ambulatory opioid prescription authored 90 days to 1 day before today. */
export function isOpioidNaive(chart: Chart): boolean {
  return !activeAmbulatoryRx(chart, isOpioidAnalgesic).some(
    (medication) =>
      medication.startDay! >= addDays(chart.today, -90) && medication.startDay! <= addDays(chart.today, -1),
  );
}

/**
 * Days covered by opioid prescriptions of the chart (any status or category; drafts are not history)
 * within [from, to]: each prescription covers authoredOn to authoredOn + supply days, overlaps merged.
 */
export function daysOnOpioids(chart: Chart, from: number, to: number): number {
  const intervals = chart.medications
    .filter((medication) => isOpioidAnalgesic(medication) && medication.startDay !== undefined)
    .map((medication) => {
      const start = Math.max(medication.startDay!, from);
      const end = Math.min(addDays(medication.startDay!, supplyDays(medication) ?? 0), to);
      return [start, end] as const;
    })
    .filter(([start, end]) => end > start)
    .sort((a, b) => a[0] - b[0]);
  let total = 0;
  let current: [number, number] | undefined;
  for (const [start, end] of intervals) {
    if (current && start <= current[1]) current[1] = Math.max(current[1], end);
    else {
      if (current) total += daysBetween(current[0], current[1]);
      current = [start, end];
    }
  }
  if (current) total += daysBetween(current[0], current[1]);
  return total;
}
