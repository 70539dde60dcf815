// Codes of conditions, labs, procedures and encounters the rules look for, where no value set of
// ../shared/data covers them: each names the value set or source it stands in for. Codes are matched on
// every coding of an item; the `words` are the fallback for an item coded in a system we do not list.
import type { SourceId } from './sources.js';

export interface ConceptSet {
  /** What the set stands for, as a card may say it. */
  display: string;
  /** Generated value sets (ids) whose codes belong to the set. */
  valueSets?: readonly string[];
  snomed?: readonly string[];
  loinc?: readonly string[];
  /** ICD-10(-CM) codes; a trailing `*` matches the category and its subcodes. */
  icd10?: readonly string[];
  cpt?: readonly string[];
  /** Words in the concept's text or displays (case-insensitive regular expression). */
  words?: RegExp;
  source: SourceId;
}

const define = <T extends Record<string, ConceptSet>>(sets: T) => sets;

export const CONCEPT_SETS = define({
  // --- labs ---
  egfr: {
    display: 'eGFR',
    loinc: [
      '33914-3',
      '48642-3',
      '48643-1',
      '50044-7',
      '50210-4',
      '62238-1',
      '69405-9',
      '70969-1',
      '77147-7',
      '88293-6',
      '88294-4',
      '94677-2',
      '98979-8',
      '98980-6',
    ],
    words: /glomerular filtration rate|\begfr\b/i,
    source: 'loinc',
  },
  creatinine: {
    display: 'serum creatinine',
    loinc: ['2160-0', '38483-4', '14682-9', '21232-4', '35203-3', '59826-8'],
    words: /^creatinine( \[|$| in (serum|plasma|blood))/i,
    source: 'loinc',
  },
  digoxinLevel: {
    display: 'digoxin level',
    valueSets: ['valueset-digoxin-LOINC'],
    words: /^digoxin\b.*(serum|plasma|blood|level)/i,
    source: 'pddiDigoxinCyclosporine',
  },
  potassium: {
    display: 'potassium',
    valueSets: ['valueset-potassium-LOINC'],
    words: /^potassium\b/i,
    source: 'pddiDigoxinCyclosporine',
  },
  magnesium: {
    display: 'magnesium',
    valueSets: ['valueset-magnesium-LOINC'],
    words: /^magnesium\b/i,
    source: 'pddiDigoxinCyclosporine',
  },
  calcium: {
    display: 'calcium',
    valueSets: ['valueset-calcium-LOINC'],
    words: /^calcium\b/i,
    source: 'pddiDigoxinCyclosporine',
  },
  // --- conditions (PDDI-CDS) ---
  upperGiBleed: {
    display: 'history of upper gastrointestinal bleeding',
    valueSets: ['valueset-Hx-UGIB-snomed'],
    icd10: [
      'K25.0',
      'K25.4',
      'K26.0',
      'K26.4',
      'K27.0',
      'K27.4',
      'K28.0',
      'K28.4',
      'K92.0',
      'K92.1',
      'K92.2',
    ],
    words:
      /(gastr|duoden|peptic|upper gi|gastrointestinal).*(hemorrhage|haemorrhage|bleed)|hematemesis|haematemesis|melena|melaena/i,
    source: 'pddiWarfarinNsaids',
  },
  // --- conditions (CDC opioid CDS IG; its value sets are not in ../shared/data) ---
  sickleCell: {
    display: 'sickle cell disease',
    snomed: ['417357006', '127040003', '25472008', '35434009', '47024008', '62777008'],
    icd10: ['D57*'],
    words: /sickle[- ]cell|hb ?ss disease|hemoglobin s disease/i,
    source: 'cdcOpioidCdsIg',
  },
  malignantCancer: {
    display: 'active cancer',
    snomed: ['363346000', '372087000', '254637007', '93761005', '363406005', '254632001'],
    icd10: ['C*'],
    words: /malignan|carcinoma|\bcancer\b|lymphoma|leuk(a)?emia|sarcoma|melanoma|myeloma|glioblastoma/i,
    source: 'cdcOpioidCdsIg',
  },
  terminalCondition: {
    display: 'a condition likely terminal, or limited life expectancy',
    snomed: ['128462008', '363418001', '59927004', '254612002', '162607003', '300936002', '46177005'],
    icd10: ['C76*', 'C77*', 'C78*', 'C79*', 'C80*', 'C25*', 'K70.4*', 'K72*', 'Z51.5'],
    words: /metasta|terminal|end[- ]stage|limited life expectancy|hospice|palliative|end of life/i,
    source: 'cdcOpioidCdsIg',
  },
  opioidUseDisorder: {
    display: 'opioid use disorder',
    valueSets: ['opioid-misuse-disorders'],
    icd10: ['F11*'],
    words: /(opioid|opiate|heroin)\b.{0,30}\b(abuse|dependence|use disorder|misuse)/i,
    source: 'cdcOpioidCdsIg',
  },
  substanceMisuse: {
    display: 'a history of alcohol or drug misuse',
    valueSets: ['opioid-misuse-disorders'],
    snomed: ['66590003', '7200002', '15167005', '26416006', '191816009', '5602001', '75544000'],
    icd10: [
      'F10*',
      'F11*',
      'F12*',
      'F13*',
      'F14*',
      'F15*',
      'F16*',
      'F18*',
      'F19*',
      'F55*',
      'Z71.4*',
      'Z71.5*',
    ],
    words:
      /(alcohol|drug|substance|opioid|cocaine|cannabis|amphetamine|stimulant|sedative).{0,30}(abuse|dependence|use disorder|misuse|addiction)|alcoholism/i,
    source: 'cdcOpioidCdsIg',
  },
  sleepDisorderedBreathing: {
    display: 'sleep-disordered breathing',
    snomed: ['78275009', '73430006', '230493001', '79462007'],
    icd10: ['G47.3*'],
    words: /sleep apn(o)?ea|sleep[- ]disordered breathing|hypoventilation/i,
    source: 'cdcOpioidCdsIg',
  },
  // --- procedures, findings, plans, encounters (CDC opioid CDS IG) ---
  painTreatmentPlan: { display: 'pain treatment plan', loinc: ['80764-4'], source: 'cdcOpioidCdsIg' },
  opioidRiskAssessment: {
    display: 'opioid misuse risk assessment',
    snomed: ['454281000124100'],
    words: /risk (assessment|evaluation).{0,20}opioid|opioid.{0,20}risk (assessment|tool)/i,
    source: 'cdcOpioidCdsIg',
  },
  pdmpReview: {
    display: 'PDMP review',
    snomed: ['461621000124108', '461651000124104'],
    words: /\bpdmp\b|prescription drug monitoring program/i,
    source: 'cdcOpioidCdsIg',
  },
  officeVisit: {
    display: 'office visit',
    snomed: ['185463005', '185464004', '185465003', '3391000175108', '439740005'],
    cpt: ['99202', '99203', '99204', '99205', '99212', '99213', '99214', '99215'],
    source: 'cdcOpioidCdsIg',
  },
  hospice: {
    display: 'hospice care',
    snomed: ['385763009', '305336008', '183919006'],
    words: /hospice/i,
    source: 'cdcOpioidCdsIg',
  },
});

export type ConceptSetId = keyof typeof CONCEPT_SETS;
