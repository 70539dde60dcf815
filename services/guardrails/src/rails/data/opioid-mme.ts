// CDC 2022 Clinical Practice Guideline MME conversion factors (the CDC MME CodeSystem in
// ../shared/data/drug-reference/opioid-mme-r4). Oral dose in mg × factor = MME; fentanyl patches are
// dosed in mcg/hour × 2.4 (75 mcg/h = 180 MME/day, the CDC worked example).
export const MME_FACTORS: Record<string, number> = {
  codeine: 0.15,
  hydrocodone: 1,
  hydromorphone: 5,
  methadone: 4.7,
  morphine: 1,
  oxycodone: 1.5,
  oxymorphone: 3,
  tapentadol: 0.4,
  tramadol: 0.2,
};
export const FENTANYL_PATCH_MCG_PER_HOUR_FACTOR = 2.4;

/** CDC 2022: reassess benefits and risks at ≥ 50 MME/day; avoid or carefully justify ≥ 90. */
export const MME_THRESHOLDS = { reassess: 50, avoid: 90 } as const;
