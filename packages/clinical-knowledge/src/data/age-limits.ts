import type { DrugTag } from './interactions.js';
import type { SourceId } from './sources.js';

/** A drug to avoid in children below an age, or in older adults from an age. */
export interface AgeLimit {
  id: string;
  drug: DrugTag;
  /** Applies below this age (children)… */
  under?: number;
  /** …or from this age (older adults). */
  from?: number;
  /** Members of the class the source does not include. */
  except?: readonly string[];
  severity: 'critical' | 'warning' | 'info';
  why: string;
  action: string;
  source: SourceId;
}

export const AGE_LIMITS: readonly AgeLimit[] = [
  {
    id: 'codeine-under-12',
    drug: 'codeine',
    under: 12,
    severity: 'critical',
    why: 'contraindicated under 12 years: ultra-rapid metabolism to morphine has caused fatal respiratory depression',
    action: 'Do not use codeine; choose a non-opioid analgesic or antitussive.',
    source: 'fdaCodeineTramadolChildren',
  },
  {
    id: 'tramadol-under-12',
    drug: 'tramadol',
    under: 12,
    severity: 'critical',
    why: 'contraindicated under 12 years: fatal respiratory depression has been reported',
    action: 'Do not use tramadol; choose a non-opioid analgesic.',
    source: 'fdaCodeineTramadolChildren',
  },
  {
    id: 'promethazine-under-2',
    drug: 'promethazine',
    under: 2,
    severity: 'critical',
    why: 'contraindicated under 2 years: fatal respiratory depression (boxed warning)',
    action: 'Do not use promethazine in children under 2.',
    source: 'fdaPromethazineChildren',
  },
  {
    id: 'aspirin-under-16',
    drug: 'aspirin',
    under: 16,
    severity: 'warning',
    why: "avoid under 16 years because of the risk of Reye's syndrome (except specific indications such as Kawasaki disease)",
    action: 'Use acetaminophen or ibuprofen for pain or fever unless aspirin is specifically indicated.',
    source: 'bnfcAspirin',
  },
  {
    id: 'benzodiazepines-older-adults',
    drug: 'benzodiazepines',
    from: 65,
    severity: 'warning',
    why: 'older adults are more sensitive to benzodiazepines: cognitive impairment, delirium, falls and fractures',
    action: 'Avoid; for insomnia or anxiety prefer non-drug therapy, and taper long-term use.',
    source: 'beers2023',
  },
  {
    id: 'z-drugs-older-adults',
    drug: 'z-drugs',
    from: 65,
    severity: 'warning',
    why: 'Z-drugs have the same risks as benzodiazepines in older adults (delirium, falls, fractures) with little benefit',
    action: 'Avoid; prefer cognitive behavioural therapy for insomnia.',
    source: 'beers2023',
  },
  {
    id: 'first-generation-antihistamines-older-adults',
    drug: 'first-generation-antihistamines',
    from: 65,
    severity: 'warning',
    why: 'first-generation antihistamines are strongly anticholinergic (confusion, constipation, urinary retention)',
    action: 'Avoid; use a non-sedating antihistamine such as loratadine or cetirizine.',
    source: 'beers2023',
  },
  {
    id: 'muscle-relaxants-older-adults',
    drug: 'muscle-relaxants',
    from: 65,
    except: ['baclofen', 'tizanidine'],
    severity: 'warning',
    why: 'most muscle relaxants are poorly tolerated by older adults (anticholinergic, sedation, fractures)',
    action: 'Avoid carisoprodol, cyclobenzaprine, methocarbamol and similar; treat the cause of the spasm.',
    source: 'beers2023',
  },
  {
    id: 'meperidine-older-adults',
    drug: 'meperidine',
    from: 65,
    severity: 'warning',
    why: 'meperidine is not effective at usual doses and its metabolite causes neurotoxicity and delirium',
    action: 'Avoid; choose another opioid if one is needed.',
    source: 'beers2023',
  },
];
