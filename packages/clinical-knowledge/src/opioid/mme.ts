import type { Medication } from '../chart/chart.js';
import { MME_CONVERSIONS } from '../generated/value-sets.js';
import { isOpioidAnalgesic } from './opioid-meds.js';

// RxNorm dose form "Transdermal System": the CDC supplement gives patches a factor per dose form.
const TRANSDERMAL_SYSTEM = '316987';
const MASS_TO_MG: Record<string, number> = { mg: 1, mcg: 0.001, ug: 0.001, µg: 0.001, g: 1000 };
const CONVERSIONS = new Map(
  MME_CONVERSIONS.map((conversion) => [conversion.ingredient.toLowerCase(), conversion]),
);
// A patch dose written as its rate ("75 mcg/h") rather than as a count of patches.
const RATE = /^(mcg|ug|µg|mg)\/h(r|our)?$/;

/** CDC 2022: reassess benefits and risks at 50 MME/day or more; avoid or carefully justify 90 or more. */
export const MME_THRESHOLDS = { reassess: 50, avoid: 90 } as const;

export interface MmeResult {
  /** Morphine milligram equivalents per day (undefined when the dose cannot be read). */
  mmePerDay: number | undefined;
  /** Why it could not be computed, for the card. */
  reason?: string;
}

/**
 * Daily MME of one opioid prescription, as the CDC MME calculator computes it: the dose (or the high end
 * of a dose range) × doses a day × the ingredient's strength (read from the RxNorm clinical drug name)
 * × the CDC 2022 conversion factor of the clinical supplement. A patch is dosed per hour: patches ×
 * mg/h × its dose-form factor (fentanyl 75 mcg/h → 180 MME/day). Drugs without a clinical factor
 * (buprenorphine, fentanyl other than patches) give no MME, as in the CDC guideline.
 */
export function dailyMme(medication: Medication): MmeResult {
  if (!isOpioidAnalgesic(medication)) return { mmePerDay: 0 };
  const dose = medication.item.dose?.quantity ?? medication.item.dose?.range?.high;
  if (!dose) return { mmePerDay: undefined, reason: 'no dose quantity' };
  const perDay = medication.item.dose?.frequencyPerDay ?? 1;
  const unit = (dose.unit ?? '').replace(/[{}]/g, '').toLowerCase();
  let total = 0;
  let counted = 0;
  for (const strength of medication.drug.strengths) {
    const conversion = CONVERSIONS.get(strength.ingredient);
    if (!conversion) continue;
    if (strength.per === 'hour' || RATE.test(unit)) {
      const patch = conversion.doseForms?.find((form) => form.doseForm === TRANSDERMAL_SYSTEM);
      if (!patch) continue;
      // The patch's mg/h (a count of patches × its strength, or the rate as written) × factor × the doses
      // per day the factor assumes (the CDC supplement: the interval between patches does not matter).
      const mgPerHour = RATE.test(unit)
        ? dose.value * (unit.startsWith('mg') ? 1 : 0.001)
        : dose.value * strength.valueMg;
      total += mgPerHour * patch.factor * (patch.dosesPerDay ?? perDay);
      counted++;
      continue;
    }
    if (conversion.factor === undefined || strength.ingredient === 'fentanyl') continue;
    // A dose in mass units is the opioid's own amount; a count (tablet, film, {patch}) or a volume is
    // multiplied by the strength per unit or per mL.
    const mg =
      MASS_TO_MG[unit] !== undefined
        ? dose.value * MASS_TO_MG[unit]!
        : strength.per === 'mL' || strength.per === 'unit'
          ? dose.value * strength.valueMg
          : undefined;
    if (mg === undefined) continue;
    total += mg * perDay * conversion.factor;
    counted++;
  }
  if (counted === 0)
    return {
      mmePerDay: undefined,
      reason: medication.drug.strengths.length === 0 ? 'no strength in its name' : 'no CDC conversion factor',
    };
  return { mmePerDay: Math.round(total * 100) / 100 };
}

/** The total daily MME of a set of prescriptions, and the ones it could not count. */
export function totalMme(medications: readonly Medication[]): { total: number; uncounted: Medication[] } {
  let total = 0;
  const uncounted: Medication[] = [];
  for (const medication of medications) {
    const { mmePerDay } = dailyMme(medication);
    if (mmePerDay === undefined) uncounted.push(medication);
    else total += mmePerDay;
  }
  return { total: Math.round(total * 10) / 10, uncounted };
}
