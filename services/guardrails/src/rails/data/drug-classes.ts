// A small curated drug table (ingredient → classes), enough for the rails' allergy, interaction and
// opioid rules on the drugs these patients take. Names are lower-case ingredients as they appear in
// RxNorm displays; brand names map to their ingredient. Not a formulary: extend it as rules grow.
export const DRUG_CLASSES: Record<string, readonly string[]> = {
  // beta-lactams
  penicillin: ['penicillins', 'beta-lactams'],
  'penicillin g': ['penicillins', 'beta-lactams'],
  'penicillin v': ['penicillins', 'beta-lactams'],
  amoxicillin: ['penicillins', 'beta-lactams'],
  ampicillin: ['penicillins', 'beta-lactams'],
  piperacillin: ['penicillins', 'beta-lactams'],
  dicloxacillin: ['penicillins', 'beta-lactams'],
  nafcillin: ['penicillins', 'beta-lactams'],
  oxacillin: ['penicillins', 'beta-lactams'],
  augmentin: ['penicillins', 'beta-lactams'],
  cephalexin: ['cephalosporins', 'beta-lactams'],
  cefazolin: ['cephalosporins', 'beta-lactams'],
  ceftriaxone: ['cephalosporins', 'beta-lactams'],
  cefuroxime: ['cephalosporins', 'beta-lactams'],
  // sulfonamide antibiotics
  sulfamethoxazole: ['sulfonamide-antibiotics'],
  // NSAIDs
  ibuprofen: ['nsaids'],
  naproxen: ['nsaids'],
  diclofenac: ['nsaids'],
  ketorolac: ['nsaids'],
  celecoxib: ['nsaids'],
  meloxicam: ['nsaids'],
  indomethacin: ['nsaids'],
  aspirin: ['nsaids', 'antiplatelets'],
  // anticoagulants and antiplatelets
  warfarin: ['anticoagulants', 'vitamin-k-antagonists'],
  apixaban: ['anticoagulants'],
  rivaroxaban: ['anticoagulants'],
  dabigatran: ['anticoagulants'],
  heparin: ['anticoagulants'],
  enoxaparin: ['anticoagulants'],
  clopidogrel: ['antiplatelets'],
  // opioids (CDC MME factors in opioid-mme.ts)
  codeine: ['opioids'],
  fentanyl: ['opioids'],
  hydrocodone: ['opioids'],
  hydromorphone: ['opioids'],
  methadone: ['opioids'],
  morphine: ['opioids'],
  oxycodone: ['opioids'],
  oxymorphone: ['opioids'],
  tapentadol: ['opioids'],
  tramadol: ['opioids'],
  buprenorphine: ['opioids'],
  // benzodiazepines and other sedatives
  alprazolam: ['benzodiazepines'],
  lorazepam: ['benzodiazepines'],
  diazepam: ['benzodiazepines'],
  clonazepam: ['benzodiazepines'],
  temazepam: ['benzodiazepines'],
  midazolam: ['benzodiazepines'],
  chlordiazepoxide: ['benzodiazepines'],
  zolpidem: ['z-drugs'],
  // cardiovascular
  digoxin: ['cardiac-glycosides'],
  verapamil: ['non-dihydropyridine-ccbs'],
  diltiazem: ['non-dihydropyridine-ccbs'],
  amiodarone: ['antiarrhythmics'],
  lisinopril: ['ace-inhibitors'],
  enalapril: ['ace-inhibitors'],
  ramipril: ['ace-inhibitors'],
  losartan: ['arbs'],
  spironolactone: ['potassium-sparing-diuretics'],
  eplerenone: ['potassium-sparing-diuretics'],
  amiloride: ['potassium-sparing-diuretics'],
  metoprolol: ['beta-blockers'],
  atorvastatin: ['statins'],
  simvastatin: ['statins'],
  // others
  metformin: ['biguanides', 'renally-cleared'],
  gabapentin: ['gabapentinoids', 'renally-cleared'],
  pregabalin: ['gabapentinoids', 'renally-cleared'],
  nitrofurantoin: ['renally-cleared'],
  omeprazole: ['proton-pump-inhibitors'],
  albuterol: ['beta-agonists'],
  sertraline: ['ssris'],
  fluoxetine: ['ssris'],
  citalopram: ['ssris'],
  phenelzine: ['maois'],
  selegiline: ['maois'],
  linezolid: ['maois'],
};

/** Allergy names that stand for a whole class (an allergy to "penicillins" covers amoxicillin). */
export const CLASS_ALIASES: Record<string, string> = {
  penicillins: 'penicillins',
  'penicillin class': 'penicillins',
  cephalosporins: 'cephalosporins',
  'sulfa drugs': 'sulfonamide-antibiotics',
  sulfonamides: 'sulfonamide-antibiotics',
  nsaids: 'nsaids',
  opioids: 'opioids',
};

/**
 * Cross-reactivity between allergy classes: a penicillin allergy blocks penicillins (same class) and
 * warns on cephalosporins (low but real cross-reactivity).
 */
export const CROSS_REACTIVITY: ReadonlyArray<{
  allergyClass: string;
  drugClass: string;
  severity: 'critical' | 'warning';
}> = [
  { allergyClass: 'penicillins', drugClass: 'penicillins', severity: 'critical' },
  { allergyClass: 'penicillins', drugClass: 'cephalosporins', severity: 'warning' },
  { allergyClass: 'cephalosporins', drugClass: 'cephalosporins', severity: 'critical' },
  { allergyClass: 'sulfonamide-antibiotics', drugClass: 'sulfonamide-antibiotics', severity: 'critical' },
  { allergyClass: 'nsaids', drugClass: 'nsaids', severity: 'critical' },
  { allergyClass: 'opioids', drugClass: 'opioids', severity: 'warning' },
];
