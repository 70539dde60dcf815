import type { KnowledgeSuggestion } from '@aloe/shared/schemas';
import { type Chart, currentMedications, type Medication } from '../chart/chart.js';
import type { DraftFinding } from '../finding.js';
import { itemsIn } from '../vocabulary/concepts.js';
import { drugName, hasTag, medicationPairs } from './interactions.js';
import type { Rule } from './rule.js';

export const WARFARIN_NSAIDS_RULE_ID = 'knowledge.interaction.warfarin-nsaids';

// The alternatives of the IG's ActivityDefinitions ad101 / ad102, and a PPI for gastric protection.
const ACETAMINOPHEN_325 = {
  system: 'http://www.nlm.nih.gov/research/umls/rxnorm',
  code: '313782',
  display: 'Acetaminophen 325 MG Oral Tablet',
};
const ACETAMINOPHEN_500 = {
  system: 'http://www.nlm.nih.gov/research/umls/rxnorm',
  code: '198440',
  display: 'Acetaminophen 500 MG Oral Tablet',
};
const OMEPRAZOLE_20 = {
  system: 'http://www.nlm.nih.gov/research/umls/rxnorm',
  code: '198051',
  display: 'Omeprazole 20 MG Delayed Release Oral Capsule',
};

/**
 * Warfarin (vitamin K antagonists) + NSAIDs, as the HL7 PDDI-CDS IG decides it: topical diclofenac →
 * info ("no special precautions"); otherwise a proton-pump inhibitor or misoprostol → warning (assess
 * risk); none → critical (use only if the benefit outweighs the risk). The risk factors it names (age
 * over 65, a history of upper GI bleeding, a systemic corticosteroid, an aldosterone antagonist, another
 * NSAID) are listed with their evidence. Either drug may be the draft (the IG fires on a draft NSAID only).
 */
export const warfarinNsaidsRule: Rule = {
  id: WARFARIN_NSAIDS_RULE_ID,
  category: 'interaction',
  title: 'Warfarin + NSAIDs (HL7 PDDI-CDS)',
  source: 'pddiWarfarinNsaids',
  evaluate(chart: Chart): DraftFinding[] {
    const findings: DraftFinding[] = [];
    for (const [a, b] of medicationPairs(chart)) {
      const [warfarin, nsaid] = hasTag(a, 'vitamin-k-antagonists') && hasTag(b, 'nsaids') ? [a, b] : [b, a];
      if (!hasTag(warfarin, 'vitamin-k-antagonists') || !hasTag(nsaid, 'nsaids')) continue;
      findings.push(finding(chart, warfarin, nsaid));
    }
    return findings;
  },
};

function finding(chart: Chart, warfarin: Medication, nsaid: Medication): DraftFinding {
  const others = currentMedications(chart).filter(
    (medication) => medication !== warfarin && medication !== nsaid,
  );
  const topical = nsaid.drug.localForm;
  const protection = others.filter(
    (medication) => hasTag(medication, 'proton-pump-inhibitors') || hasTag(medication, 'misoprostol'),
  );
  const bleeds = itemsIn(chart.conditions, 'upperGiBleed');
  const steroids = others.filter(
    (medication) => hasTag(medication, 'systemic-corticosteroids') && !medication.drug.localForm,
  );
  const aldosterone = others.filter((medication) => hasTag(medication, 'aldosterone-antagonists'));
  const moreNsaids = others.filter(
    (medication) => hasTag(medication, 'nsaids') && !medication.drug.localForm,
  );
  const age = chart.patient.ageYears;

  const factors = [
    age !== undefined && age > 65 ? `age over 65 (${age})` : undefined,
    ...bleeds.map(
      (item) =>
        `history of upper GI bleeding (${item.code?.display ?? 'condition'}${item.date ? `, ${item.date.slice(0, 10)}` : ''})`,
    ),
    ...steroids.map((medication) => `systemic corticosteroid (${drugName(medication)})`),
    ...aldosterone.map((medication) => `aldosterone antagonist (${drugName(medication)})`),
    ...moreNsaids.map((medication) => `another NSAID (${drugName(medication)})`),
  ].filter((factor): factor is string => factor !== undefined);

  const severity = topical ? 'info' : protection.length > 0 ? 'warning' : 'critical';
  const nsaidName = drugName(nsaid);
  const detail = topical
    ? `${nsaid.item.code?.display ?? nsaidName} is topical: topical diclofenac has low systemic absorption (about 6% of a systemic dose at 16 g/day of gel).`
    : [
        'Increased risk of bleeding: NSAIDs have antiplatelet effects and cause peptic ulcers, and most of the added bleeding with warfarin is upper gastrointestinal.',
        protection.length > 0
          ? `Gastric protection: ${protection.map(drugName).join(', ')} (may reduce the risk of upper GI bleeding).`
          : 'The patient is not taking a proton-pump inhibitor or misoprostol.',
        factors.length > 0
          ? `Risk factors: ${factors.join('; ')}.`
          : 'No further risk factor on record (age over 65, upper GI bleeding, corticosteroid, aldosterone antagonist, another NSAID).',
      ].join(' ');
  const draftNsaid = nsaid.draft ? nsaid : undefined;
  const suggestions: KnowledgeSuggestion[] = topical
    ? []
    : [
        ...(draftNsaid
          ? [
              {
                label: `Cancel the ${nsaidName} order`,
                kind: 'delete-draft' as const,
                draftRef: draftNsaid.item.ref,
              },
            ]
          : []),
        ...[ACETAMINOPHEN_325, ACETAMINOPHEN_500].map((code) => ({
          label: `Use ${code.display} instead of ${nsaidName}`,
          kind: 'create-medication' as const,
          code,
          description:
            'Acetaminophen under 2 g/day (500 mg every 4-6 hours as needed); monitor the INR above 2 g/day.',
        })),
        ...(protection.length === 0
          ? [
              {
                label: 'Add gastric protection (a proton-pump inhibitor)',
                kind: 'create-medication' as const,
                code: OMEPRAZOLE_20,
                description: 'Omeprazole 20 mg once daily while the NSAID is taken.',
              },
            ]
          : []),
      ];
  return {
    ruleId: WARFARIN_NSAIDS_RULE_ID,
    category: 'interaction',
    severity,
    summary: topical
      ? `Interaction: warfarin + topical ${nsaidName}, low systemic absorption`
      : `Interaction: warfarin + ${nsaidName}, bleeding risk${protection.length > 0 ? ' (on a PPI)' : ', no gastric protection'}`,
    detail,
    action: topical
      ? 'No special precautions.'
      : protection.length > 0
        ? 'Assess the bleeding risk and act if necessary: prefer acetaminophen for pain or fever; for severe pain consider a short opioid course instead of the NSAID.'
        : 'Use only if the benefit outweighs the risk: prefer acetaminophen (monitor the INR above 2 g/day); if the NSAID is needed, add a proton-pump inhibitor.',
    source: 'pddiWarfarinNsaids',
    refs: [
      warfarin.item.ref,
      nsaid.item.ref,
      ...protection.map((medication) => medication.item.ref),
      ...bleeds.map((item) => item.ref),
      ...steroids.map((medication) => medication.item.ref),
      ...aldosterone.map((medication) => medication.item.ref),
      ...moreNsaids.map((medication) => medication.item.ref),
    ],
    draftRefs: [warfarin, nsaid]
      .filter((medication) => medication.draft)
      .map((medication) => medication.item.ref),
    suggestions,
  };
}
