import type { ClassId } from './drug-classes.js';
import type { SourceId } from './sources.js';

/**
 * Allergy → drug cross-reactivity by class. The same ingredient as the allergen is always critical;
 * these rows cover other members of a related class. Severity follows the practice parameter's
 * risk: the same class at full risk → critical; a low but real risk → warning; negligible → info.
 */
export interface CrossReactivity {
  allergen: ClassId;
  drug: ClassId;
  severity: 'critical' | 'warning' | 'info';
  why: string;
  source: SourceId;
}

export const CROSS_REACTIVITY: readonly CrossReactivity[] = [
  {
    allergen: 'penicillins',
    drug: 'penicillins',
    severity: 'critical',
    why: 'a penicillin allergy is treated as an allergy to every penicillin',
    source: 'drugAllergy2022',
  },
  {
    allergen: 'aminopenicillins',
    drug: 'aminocephalosporins',
    severity: 'warning',
    why: 'amoxicillin and ampicillin share their side chain with this cephalosporin (higher cross-reactivity)',
    source: 'drugAllergy2022',
  },
  {
    allergen: 'penicillins',
    drug: 'cephalosporins',
    severity: 'info',
    why: 'cross-reactivity between penicillins and cephalosporins with other side chains is low (about 1-2%)',
    source: 'drugAllergy2022',
  },
  {
    allergen: 'penicillins',
    drug: 'carbapenems',
    severity: 'info',
    why: 'cross-reactivity between penicillins and carbapenems is under 1%',
    source: 'drugAllergy2022',
  },
  {
    allergen: 'cephalosporins',
    drug: 'cephalosporins',
    severity: 'warning',
    why: 'cephalosporins can cross-react, above all those with similar side chains',
    source: 'drugAllergy2022',
  },
  {
    allergen: 'aminocephalosporins',
    drug: 'aminopenicillins',
    severity: 'warning',
    why: 'this cephalosporin shares its side chain with amoxicillin and ampicillin',
    source: 'drugAllergy2022',
  },
  {
    allergen: 'sulfonamide-antibacterials',
    drug: 'sulfonamide-antibacterials',
    severity: 'critical',
    why: 'sulfonamide antibacterials cross-react with each other (not with non-antibacterial sulfonamides)',
    source: 'drugAllergy2022',
  },
  {
    allergen: 'nsaids',
    drug: 'nsaids',
    severity: 'warning',
    why: 'NSAID hypersensitivity often extends to other COX-1 inhibiting NSAIDs',
    source: 'drugAllergy2022',
  },
  {
    allergen: 'fluoroquinolones',
    drug: 'fluoroquinolones',
    severity: 'warning',
    why: 'fluoroquinolones can cross-react with each other',
    source: 'drugAllergy2022',
  },
  {
    allergen: 'macrolides',
    drug: 'macrolides',
    severity: 'info',
    why: 'cross-reactivity among macrolides is uncommon but reported',
    source: 'drugAllergy2022',
  },
  {
    allergen: 'opioids',
    drug: 'opioids',
    severity: 'info',
    why: 'most opioid reactions are pseudo-allergic (histamine release); another opioid class is usually tolerated',
    source: 'drugAllergy2022',
  },
];

/** Words an allergy record uses for a whole class ("Allergy to penicillins", "Sulfa drug allergy"). */
export const CLASS_WORDS: ReadonlyArray<[pattern: RegExp, classId: ClassId]> = [
  [/\bpenicillins?\b/i, 'penicillins'],
  [/\bcephalosporins?\b/i, 'cephalosporins'],
  [/\bcarbapenems?\b/i, 'carbapenems'],
  [/\b(sulfa|sulpha|sulfonamide|sulphonamide)s?\b/i, 'sulfonamide-antibacterials'],
  [/\b(nsaids?|non-?steroidal anti-?inflammator)/i, 'nsaids'],
  [/\b(opioids?|opiates?|narcotics?)\b/i, 'opioids'],
  [/\b(fluoro)?quinolones?\b/i, 'fluoroquinolones'],
  [/\bmacrolides?\b/i, 'macrolides'],
  [/\btetracyclines?\b/i, 'tetracyclines'],
  [/\bbenzodiazepines?\b/i, 'benzodiazepines'],
  [/\bace inhibitors?\b/i, 'ace-inhibitors'],
];
