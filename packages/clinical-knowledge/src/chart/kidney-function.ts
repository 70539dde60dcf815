import type { ContextItem } from '@aloe/shared/schemas';
import { CREATININE_TO_MG_DL } from '../data/renal-limits.js';
import type { Chart } from './chart.js';
import { isoDay } from './dates.js';
import { inUnit, latestLab } from './labs.js';

export interface KidneyFunction {
  /** mL/min/1.73 m². */
  egfr: number;
  /** The observation it comes from. */
  item: ContextItem;
  /** How it was obtained, for the card. */
  how: string;
}

/**
 * CKD-EPI 2021 (race-free) eGFR from serum creatinine in mg/dL, age in years and sex (Inker et al.,
 * NEJM 2021): 142 × min(Scr/κ, 1)^α × max(Scr/κ, 1)^-1.200 × 0.9938^age × 1.012 if female.
 */
export function ckdEpi2021(creatinineMgDl: number, ageYears: number, sex: 'female' | 'male'): number {
  const kappa = sex === 'female' ? 0.7 : 0.9;
  const alpha = sex === 'female' ? -0.241 : -0.302;
  const ratio = creatinineMgDl / kappa;
  const egfr =
    142 *
    Math.min(ratio, 1) ** alpha *
    Math.max(ratio, 1) ** -1.2 *
    0.9938 ** ageYears *
    (sex === 'female' ? 1.012 : 1);
  return Math.round(egfr);
}

/**
 * The patient's kidney function: the latest eGFR of the last year, else CKD-EPI 2021 from the latest
 * serum creatinine of the last year (adults with a recorded sex). Older results are not used: kidney
 * function changes.
 */
export function kidneyFunction(chart: Chart): KidneyFunction | undefined {
  const egfr = latestLab(chart.observations, 'egfr', chart.today, 365);
  const creatinine = latestLab(chart.observations, 'creatinine', chart.today, 365);
  if (egfr && (!creatinine || egfr.day >= creatinine.day))
    return {
      egfr: egfr.value,
      item: egfr.item,
      how: `eGFR ${egfr.value} ${egfr.unit || 'mL/min/1.73m2'} on ${isoDay(egfr.day)}`,
    };
  const { ageYears, sex } = chart.patient;
  if (!creatinine || ageYears === undefined || ageYears < 18 || (sex !== 'female' && sex !== 'male'))
    return undefined;
  const mgDl = inUnit(creatinine, CREATININE_TO_MG_DL);
  if (mgDl === undefined || mgDl <= 0) return undefined;
  const value = ckdEpi2021(mgDl, ageYears, sex);
  return {
    egfr: value,
    item: creatinine.item,
    how: `eGFR ${value} mL/min/1.73m2 by CKD-EPI 2021 from creatinine ${creatinine.value} ${creatinine.unit} on ${isoDay(creatinine.day)}`,
  };
}
