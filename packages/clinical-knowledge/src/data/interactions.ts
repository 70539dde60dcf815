import type { ClassId } from './drug-classes.js';
import type { SourceId } from './sources.js';

/** A drug class or an ingredient (lower-case US name). */
export type DrugTag = ClassId | (string & {});

/**
 * A pair of drugs (or classes) that interact, from the ONC high-priority lists, FDA labels and boxed
 * warnings. Ordered most severe first; a medication pair reports the first row it matches. The two
 * pairs the HL7 PDDI-CDS IG details with contextual modifiers (warfarin + NSAIDs, digoxin +
 * cyclosporine) have rules of their own (rules/pddi-*.ts) and are not repeated here.
 */
export interface Interaction {
  /** Rule id suffix: knowledge.interaction.<id>. */
  id: string;
  a: DrugTag;
  b: DrugTag;
  severity: 'critical' | 'warning' | 'info';
  /** The clinical consequence, in a few words (goes in the card summary). */
  risk: string;
  /** Why: the mechanism and what is known. */
  detail: string;
  action: string;
  source: SourceId;
}

export const INTERACTIONS: readonly Interaction[] = [
  {
    id: 'maoi-serotonergic',
    a: 'maois',
    b: 'serotonergic',
    severity: 'critical',
    risk: 'serotonin syndrome',
    detail:
      'Monoamine oxidase inhibitors with serotonergic drugs can cause serotonin syndrome (hyperthermia, rigidity, autonomic instability), which can be fatal.',
    action: 'Avoid the combination; allow the washout period the labels give before switching.',
    source: 'oncHighPriorityDdi',
  },
  {
    id: 'statin-strong-cyp3a4-inhibitor',
    a: 'statins-cyp3a4',
    b: 'strong-cyp3a4-inhibitors',
    severity: 'critical',
    risk: 'myopathy and rhabdomyolysis',
    detail:
      'Strong CYP3A4 inhibitors raise simvastatin and lovastatin levels many-fold; their labels contraindicate the combination.',
    action: 'Do not combine: hold the statin during the course, or use a statin not metabolised by CYP3A4.',
    source: 'fdaStatinInteractions',
  },
  {
    id: 'pde5-nitrate',
    a: 'pde5-inhibitors',
    b: 'nitrates',
    severity: 'critical',
    risk: 'severe hypotension',
    detail:
      'PDE-5 inhibitors potentiate the hypotensive effect of nitrates; the labels contraindicate the combination.',
    action: 'Do not combine; nitrates should not be given within 24-48 hours of a PDE-5 inhibitor.',
    source: 'oncHighPriorityDdi',
  },
  {
    id: 'tizanidine-cyp1a2-inhibitor',
    a: 'tizanidine',
    b: 'cyp1a2-strong-inhibitors',
    severity: 'critical',
    risk: 'severe hypotension and sedation',
    detail:
      'Ciprofloxacin and fluvoxamine raise tizanidine levels about tenfold; the tizanidine label contraindicates them.',
    action: 'Do not combine; choose another muscle relaxant or another antibacterial/antidepressant.',
    source: 'oncHighPriorityDdi',
  },
  {
    id: 'thiopurine-xanthine-oxidase-inhibitor',
    a: 'thiopurines',
    b: 'xanthine-oxidase-inhibitors',
    severity: 'critical',
    risk: 'bone marrow suppression',
    detail: 'Allopurinol and febuxostat block the breakdown of azathioprine and mercaptopurine.',
    action: 'Avoid; if unavoidable, cut the thiopurine dose to a quarter or less and monitor blood counts.',
    source: 'oncHighPriorityDdiOutpatient',
  },
  {
    id: 'methotrexate-trimethoprim',
    a: 'antifolates',
    b: 'trimethoprim',
    severity: 'critical',
    risk: 'bone marrow suppression',
    detail:
      'Trimethoprim (also in co-trimoxazole) adds to the antifolate effect of methotrexate and reduces its clearance.',
    action: 'Avoid; choose another antibacterial, or monitor blood counts closely.',
    source: 'oncHighPriorityDdiOutpatient',
  },
  {
    id: 'potassium-sparing-potassium',
    a: 'potassium-sparing-diuretics',
    b: 'potassium-supplements',
    severity: 'warning',
    risk: 'hyperkalaemia',
    detail:
      'A potassium-sparing diuretic or aldosterone antagonist with potassium supplements can raise potassium dangerously.',
    action: 'Avoid unless hypokalaemia is documented; check potassium and renal function.',
    source: 'oncHighPriorityDdiOutpatient',
  },
  {
    id: 'opioid-benzodiazepine',
    a: 'opioids',
    b: 'benzodiazepines',
    severity: 'warning',
    risk: 'respiratory depression and overdose',
    detail:
      'Opioids with benzodiazepines cause profound sedation, respiratory depression, coma and death (FDA boxed warning, 2016).',
    action:
      'Avoid prescribing both; if unavoidable, use the lowest doses and shortest duration, and offer naloxone.',
    source: 'fdaOpioidBenzodiazepine',
  },
  {
    id: 'opioid-gabapentinoid',
    a: 'opioids',
    b: 'gabapentinoids',
    severity: 'warning',
    risk: 'respiratory depression',
    detail: 'Gabapentin and pregabalin with opioids can cause serious breathing problems (FDA, 2019).',
    action: 'Start the gabapentinoid at the lowest dose and monitor for respiratory depression and sedation.',
    source: 'fdaGabapentinoids',
  },
  {
    id: 'opioid-sedative',
    a: 'opioids',
    b: 'z-drugs',
    severity: 'warning',
    risk: 'respiratory depression',
    detail:
      'Opioids with other CNS depressants (sedative hypnotics) cause additive sedation and respiratory depression.',
    action: 'Avoid the combination where possible; use the lowest doses and monitor.',
    source: 'fdaOpioidBenzodiazepine',
  },
  {
    id: 'opioid-barbiturate',
    a: 'opioids',
    b: 'barbiturates',
    severity: 'warning',
    risk: 'respiratory depression',
    detail: 'Opioids with barbiturates cause additive sedation and respiratory depression.',
    action: 'Avoid the combination where possible; use the lowest doses and monitor.',
    source: 'fdaOpioidBenzodiazepine',
  },
  {
    id: 'opioid-muscle-relaxant',
    a: 'opioids',
    b: 'muscle-relaxants',
    severity: 'warning',
    risk: 'respiratory depression',
    detail: 'Opioids with skeletal muscle relaxants (e.g. carisoprodol) cause additive CNS depression.',
    action: 'Avoid the combination where possible; use the lowest doses and monitor.',
    source: 'fdaOpioidBenzodiazepine',
  },
  {
    // Warfarin + NSAIDs has its PDDI-CDS rule; this row covers the other anticoagulants.
    id: 'anticoagulant-nsaid',
    a: 'anticoagulants',
    b: 'nsaids',
    severity: 'warning',
    risk: 'bleeding',
    detail: 'NSAIDs add antiplatelet effects and gastric injury to anticoagulation.',
    action: 'Prefer acetaminophen for pain; if an NSAID is needed, use it briefly with gastric protection.',
    source: 'oncHighPriorityDdiOutpatient',
  },
  {
    id: 'anticoagulant-antiplatelet',
    a: 'anticoagulants',
    b: 'antiplatelets',
    severity: 'warning',
    risk: 'bleeding',
    detail: 'An antiplatelet agent with an anticoagulant increases the risk of major bleeding.',
    action: 'Confirm both are indicated (e.g. a recent stent); reassess the duration of dual therapy.',
    source: 'oncHighPriorityDdiOutpatient',
  },
  {
    id: 'warfarin-amiodarone',
    a: 'warfarin',
    b: 'amiodarone',
    severity: 'warning',
    risk: 'a raised INR and bleeding',
    detail: 'Amiodarone inhibits warfarin metabolism; the INR rises over weeks.',
    action: 'Reduce the warfarin dose (often by a third to a half) and check the INR weekly.',
    source: 'oncHighPriorityDdiOutpatient',
  },
  {
    id: 'warfarin-antibacterial',
    a: 'warfarin',
    b: 'sulfamethoxazole',
    severity: 'warning',
    risk: 'a raised INR and bleeding',
    detail: 'Co-trimoxazole inhibits warfarin metabolism and can raise the INR markedly.',
    action: 'Choose another antibacterial, or check the INR within a few days.',
    source: 'oncHighPriorityDdiOutpatient',
  },
  {
    id: 'warfarin-azole',
    a: 'warfarin',
    b: 'fluconazole',
    severity: 'warning',
    risk: 'a raised INR and bleeding',
    detail: 'Fluconazole inhibits warfarin metabolism (CYP2C9).',
    action: 'Check the INR within a few days and adjust the warfarin dose.',
    source: 'oncHighPriorityDdiOutpatient',
  },
  {
    id: 'warfarin-metronidazole',
    a: 'warfarin',
    b: 'metronidazole',
    severity: 'warning',
    risk: 'a raised INR and bleeding',
    detail: 'Metronidazole inhibits warfarin metabolism.',
    action: 'Check the INR within a few days and adjust the warfarin dose.',
    source: 'oncHighPriorityDdiOutpatient',
  },
  {
    id: 'digoxin-amiodarone',
    a: 'cardiac-glycosides',
    b: 'amiodarone',
    severity: 'warning',
    risk: 'digoxin toxicity',
    detail: 'Amiodarone raises digoxin levels (P-glycoprotein inhibition).',
    action: 'Halve the digoxin dose and check the digoxin level.',
    source: 'oncHighPriorityDdiOutpatient',
  },
  {
    id: 'digoxin-non-dihydropyridine-ccb',
    a: 'cardiac-glycosides',
    b: 'non-dihydropyridine-calcium-channel-blockers',
    severity: 'warning',
    risk: 'digoxin toxicity and bradycardia',
    detail: 'Verapamil and diltiazem raise digoxin levels and add to AV-node slowing.',
    action: 'Check the digoxin level and heart rate; reduce the digoxin dose if needed.',
    source: 'oncHighPriorityDdiOutpatient',
  },
  {
    id: 'digoxin-clarithromycin',
    a: 'cardiac-glycosides',
    b: 'clarithromycin',
    severity: 'warning',
    risk: 'digoxin toxicity',
    detail: 'Clarithromycin raises digoxin levels (P-glycoprotein inhibition).',
    action: 'Choose another antibacterial or check the digoxin level.',
    source: 'oncHighPriorityDdiOutpatient',
  },
  {
    id: 'raas-potassium-sparing',
    a: 'ace-inhibitors',
    b: 'potassium-sparing-diuretics',
    severity: 'warning',
    risk: 'hyperkalaemia',
    detail: 'ACE inhibitors with potassium-sparing diuretics or aldosterone antagonists raise potassium.',
    action: 'Check potassium and creatinine within a week of starting and regularly after.',
    source: 'oncHighPriorityDdiOutpatient',
  },
  {
    id: 'arb-potassium-sparing',
    a: 'arbs',
    b: 'potassium-sparing-diuretics',
    severity: 'warning',
    risk: 'hyperkalaemia',
    detail:
      'Angiotensin receptor blockers with potassium-sparing diuretics or aldosterone antagonists raise potassium.',
    action: 'Check potassium and creatinine within a week of starting and regularly after.',
    source: 'oncHighPriorityDdiOutpatient',
  },
  {
    id: 'raas-potassium',
    a: 'ace-inhibitors',
    b: 'potassium-supplements',
    severity: 'warning',
    risk: 'hyperkalaemia',
    detail: 'ACE inhibitors reduce potassium excretion; supplements can then raise potassium.',
    action: 'Check potassium before and after starting; stop supplements if potassium is normal.',
    source: 'oncHighPriorityDdiOutpatient',
  },
  {
    id: 'lithium-nsaid',
    a: 'lithium',
    b: 'nsaids',
    severity: 'warning',
    risk: 'lithium toxicity',
    detail: 'NSAIDs reduce lithium clearance and raise lithium levels.',
    action: 'Avoid, or check the lithium level within a week.',
    source: 'oncHighPriorityDdiOutpatient',
  },
  {
    id: 'lithium-ace-inhibitor',
    a: 'lithium',
    b: 'ace-inhibitors',
    severity: 'warning',
    risk: 'lithium toxicity',
    detail: 'ACE inhibitors reduce lithium clearance.',
    action: 'Check the lithium level within a week of starting.',
    source: 'oncHighPriorityDdiOutpatient',
  },
  {
    id: 'lithium-thiazide',
    a: 'lithium',
    b: 'thiazides',
    severity: 'warning',
    risk: 'lithium toxicity',
    detail: 'Thiazides reduce lithium clearance by about a quarter.',
    action: 'Check the lithium level within a week of starting and adjust the dose.',
    source: 'oncHighPriorityDdiOutpatient',
  },
  {
    id: 'clopidogrel-ppi',
    a: 'clopidogrel',
    b: 'omeprazole',
    severity: 'warning',
    risk: 'less antiplatelet effect',
    detail: 'Omeprazole and esomeprazole inhibit CYP2C19, which activates clopidogrel.',
    action: 'Use pantoprazole or another gastric protection instead.',
    source: 'fdaClopidogrelPpi',
  },
  {
    id: 'clopidogrel-esomeprazole',
    a: 'clopidogrel',
    b: 'esomeprazole',
    severity: 'warning',
    risk: 'less antiplatelet effect',
    detail: 'Omeprazole and esomeprazole inhibit CYP2C19, which activates clopidogrel.',
    action: 'Use pantoprazole or another gastric protection instead.',
    source: 'fdaClopidogrelPpi',
  },
  {
    id: 'colchicine-strong-cyp3a4-inhibitor',
    a: 'colchicine',
    b: 'strong-cyp3a4-inhibitors',
    severity: 'warning',
    risk: 'colchicine toxicity',
    detail:
      'Strong CYP3A4 and P-glycoprotein inhibitors raise colchicine levels; fatal toxicity has been reported.',
    action:
      'Reduce the colchicine dose as its label says, or avoid the combination in renal or hepatic impairment.',
    source: 'oncHighPriorityDdiOutpatient',
  },
  {
    id: 'theophylline-ciprofloxacin',
    a: 'theophylline',
    b: 'ciprofloxacin',
    severity: 'warning',
    risk: 'theophylline toxicity (seizures, arrhythmias)',
    detail: 'Ciprofloxacin inhibits theophylline metabolism (CYP1A2).',
    action: 'Choose another antibacterial, or check theophylline levels and reduce the dose.',
    source: 'oncHighPriorityDdi',
  },
];
