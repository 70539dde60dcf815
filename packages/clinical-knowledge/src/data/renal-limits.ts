import type { DrugTag } from './interactions.js';
import type { SourceId } from './sources.js';

/**
 * Kidney function below which a drug must be avoided or its dose reduced. Limits are eGFR in
 * mL/min/1.73 m²; the Beers and label limits are creatinine clearance, for which eGFR stands in (said
 * on the card). Rows for one drug go from the most to the least severe; the first row whose limit the
 * patient is under applies.
 */
export interface RenalLimit {
  drug: DrugTag;
  /** Applies when eGFR is below this value. */
  below: number;
  severity: 'critical' | 'warning' | 'info';
  /** What the source says, in a few words (card summary). */
  advice: string;
  action: string;
  source: SourceId;
  /** Only systemic forms (topical NSAIDs are exempt). */
  systemicOnly?: boolean;
}

export const RENAL_LIMITS: readonly RenalLimit[] = [
  {
    drug: 'metformin',
    below: 30,
    severity: 'critical',
    advice: 'contraindicated',
    action: 'Stop metformin (lactic acidosis risk); choose another glucose-lowering drug.',
    source: 'fdaMetforminRenal',
  },
  {
    drug: 'metformin',
    below: 45,
    severity: 'warning',
    advice: 'do not start; if already taking it, reassess',
    action:
      'Do not start metformin at this eGFR; if the patient already takes it, assess benefit and risk and consider a lower dose.',
    source: 'fdaMetforminRenal',
  },
  {
    drug: 'nsaids',
    below: 30,
    severity: 'warning',
    advice: 'avoid (worsens kidney function)',
    action: 'Avoid systemic NSAIDs; use acetaminophen or a topical NSAID.',
    source: 'kdigo2024',
    systemicOnly: true,
  },
  {
    drug: 'nitrofurantoin',
    below: 30,
    severity: 'warning',
    advice: 'avoid (ineffective, toxic)',
    action: 'Choose another antibacterial for the urinary tract infection.',
    source: 'beers2023',
  },
  {
    drug: 'dabigatran',
    below: 30,
    severity: 'warning',
    advice: 'avoid',
    action: 'Avoid dabigatran at this kidney function; consider another anticoagulant and its renal dosing.',
    source: 'beers2023',
  },
  {
    drug: 'rivaroxaban',
    below: 15,
    severity: 'critical',
    advice: 'avoid',
    action: 'Do not use rivaroxaban below 15 mL/min.',
    source: 'beers2023',
  },
  {
    drug: 'rivaroxaban',
    below: 50,
    severity: 'warning',
    advice: 'reduce the dose',
    action: 'Use the reduced rivaroxaban dose the label gives for this kidney function.',
    source: 'beers2023',
  },
  {
    drug: 'edoxaban',
    below: 15,
    severity: 'critical',
    advice: 'avoid',
    action: 'Do not use edoxaban below 15 mL/min.',
    source: 'beers2023',
  },
  {
    drug: 'edoxaban',
    below: 50,
    severity: 'warning',
    advice: 'reduce the dose',
    action: 'Use the reduced edoxaban dose the label gives for this kidney function.',
    source: 'beers2023',
  },
  {
    drug: 'enoxaparin',
    below: 30,
    severity: 'warning',
    advice: 'reduce the dose',
    action: 'Use the renal dose of enoxaparin (e.g. once daily) and consider anti-Xa monitoring.',
    source: 'beers2023',
  },
  {
    drug: 'fondaparinux',
    below: 30,
    severity: 'warning',
    advice: 'avoid',
    action: 'Avoid fondaparinux at this kidney function.',
    source: 'beers2023',
  },
  {
    drug: 'potassium-sparing-diuretics',
    below: 30,
    severity: 'warning',
    advice: 'avoid (hyperkalaemia)',
    action: 'Avoid; if essential, check potassium closely.',
    source: 'beers2023',
  },
  {
    drug: 'aldosterone-antagonists',
    below: 30,
    severity: 'warning',
    advice: 'avoid (hyperkalaemia)',
    action: 'Avoid; if essential, check potassium closely.',
    source: 'beers2023',
  },
  {
    drug: 'gabapentinoids',
    below: 60,
    severity: 'warning',
    advice: 'reduce the dose (CNS and respiratory effects)',
    action: 'Reduce the gabapentin/pregabalin dose to the label’s renal dosing.',
    source: 'beers2023',
  },
  {
    drug: 'duloxetine',
    below: 30,
    severity: 'warning',
    advice: 'avoid',
    action: 'Avoid duloxetine at this kidney function.',
    source: 'beers2023',
  },
  {
    drug: 'tramadol',
    below: 30,
    severity: 'warning',
    advice: 'reduce the dose (immediate release) or avoid (extended release)',
    action:
      'Lengthen the dosing interval of immediate-release tramadol (maximum 200 mg/day); avoid extended release.',
    source: 'beers2023',
  },
  {
    drug: 'baclofen',
    below: 60,
    severity: 'warning',
    advice: 'avoid (encephalopathy)',
    action: 'Avoid baclofen or use a much lower dose.',
    source: 'beers2023',
  },
  {
    drug: 'colchicine',
    below: 30,
    severity: 'warning',
    advice: 'reduce the dose and monitor',
    action: 'Reduce the colchicine dose and monitor for toxicity.',
    source: 'beers2023',
  },
  {
    drug: 'probenecid',
    below: 30,
    severity: 'warning',
    advice: 'avoid (ineffective)',
    action: 'Avoid probenecid at this kidney function.',
    source: 'beers2023',
  },
  {
    drug: 'trimethoprim',
    below: 30,
    severity: 'warning',
    advice: 'reduce the dose (hyperkalaemia, worse kidney function)',
    action: 'Reduce the trimethoprim/co-trimoxazole dose and check potassium.',
    source: 'beers2023',
  },
  {
    drug: 'ciprofloxacin',
    below: 30,
    severity: 'info',
    advice: 'reduce the dose',
    action: 'Use the label’s renal dose of ciprofloxacin.',
    source: 'beers2023',
  },
  {
    drug: 'famotidine',
    below: 50,
    severity: 'info',
    advice: 'reduce the dose (confusion)',
    action: 'Reduce the famotidine dose.',
    source: 'beers2023',
  },
  {
    drug: 'dofetilide',
    below: 60,
    severity: 'warning',
    advice: 'reduce the dose (QT prolongation)',
    action: 'Use the label’s renal dose of dofetilide.',
    source: 'beers2023',
  },
];

/** LOINC-coded kidney function comes in these units; eGFR values in mL/min/1.73 m² need no conversion. */
export const CREATININE_TO_MG_DL: Readonly<Record<string, number>> = {
  'mg/dl': 1,
  'umol/l': 1 / 88.4,
  'µmol/l': 1 / 88.4,
  'μmol/l': 1 / 88.4,
};
