/** A data folder the generated tables come from, as its SOURCE.md records it. */
export interface GeneratedSource {
  folder: string;
  repository: string;
  commit: string;
  license: string;
}

export interface GeneratedValueSet {
  /** The last segment of the canonical URL, e.g. `benzodiazepine-medications`. */
  id: string;
  url: string;
  title: string;
  /** Index into SOURCES. */
  source: number;
  /** Codes in the expansion (0: the set is defined by a rule we cannot expand offline). */
  size: number;
}

/** [display, indexes into VALUE_SETS]. */
export type CodeEntry = readonly [display: string, valueSets: readonly number[]];

/** One ingredient's CDC conversion factor(s) to morphine milligram equivalents. */
export interface MmeConversion {
  rxcui: string;
  ingredient: string;
  factor?: number;
  /** RxNorm dose form code → factor (and the doses per day it assumes, e.g. a 72-hour patch). */
  doseForms?: ReadonlyArray<{ doseForm: string; factor: number; dosesPerDay?: number }>;
  doseRanges?: ReadonlyArray<{ low: number | null; high: number | null; factor: number }>;
}
