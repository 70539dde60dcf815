import { type Chart, currentMedications, isCurrent, type Medication } from '../chart/chart.js';
import { isoDay } from '../chart/dates.js';
import { inUnit, type LabValue, latestLab } from '../chart/labs.js';
import type { ConceptSetId } from '../data/clinical-codes.js';
import type { DraftFinding } from '../finding.js';
import { drugName, hasTag, medicationPairs } from './interactions.js';
import type { Rule } from './rule.js';

export const DIGOXIN_CYCLOSPORINE_RULE_ID = 'knowledge.interaction.digoxin-cyclosporine';

// The IG's "normal" ranges (exclusive), in the units it states them, and conversions into those units.
const NORMAL: Record<
  'potassium' | 'magnesium' | 'calcium' | 'creatinine',
  { low: number; high: number; unit: string; to: Record<string, number> }
> = {
  potassium: { low: 3.5, high: 5.0, unit: 'mEq/L', to: { 'meq/l': 1, 'mmol/l': 1 } },
  magnesium: { low: 0.7, high: 1.1, unit: 'mmol/L', to: { 'mmol/l': 1, 'mg/dl': 0.4114, 'meq/l': 0.5 } },
  calcium: { low: 8.5, high: 10.2, unit: 'mg/dL', to: { 'mg/dl': 1, 'mmol/l': 4.008 } },
  creatinine: {
    low: 0.6,
    high: 1.2,
    unit: 'mg/dL',
    to: { 'mg/dl': 1, 'umol/l': 1 / 88.4, 'µmol/l': 1 / 88.4 },
  },
};
const DIGOXIN_UNITS = { 'ng/ml': 1, 'ug/l': 1, 'µg/l': 1, 'nmol/l': 0.781 };
const SERUM_DIGOXIN = {
  system: 'http://snomed.info/sct',
  code: '269872007',
  display: 'Serum digoxin measurement',
};
const ELECTROLYTES = {
  system: 'http://snomed.info/sct',
  code: '271236005',
  display: 'Serum potassium level',
};

const describe = (lab: LabValue) => `${lab.value} ${lab.unit} on ${isoDay(lab.day)}`;

/**
 * Digoxin + cyclosporine, as the HL7 PDDI-CDS IG decides it (either drug may be the draft): cyclosporine
 * started for a patient on digoxin without a digoxin level under 0.9 ng/mL in the last 30 days →
 * critical; a continuing combination with a normal level, normal potassium, magnesium, calcium and
 * creatinine in the last year and no loop or potassium-sparing diuretic → info; otherwise warning.
 */
export const digoxinCyclosporineRule: Rule = {
  id: DIGOXIN_CYCLOSPORINE_RULE_ID,
  category: 'interaction',
  title: 'Digoxin + cyclosporine (HL7 PDDI-CDS)',
  source: 'pddiDigoxinCyclosporine',
  evaluate(chart: Chart): DraftFinding[] {
    const findings: DraftFinding[] = [];
    for (const [a, b] of medicationPairs(chart)) {
      const [digoxin, cyclosporine] = hasTag(a, 'digoxin') ? [a, b] : [b, a];
      if (!hasTag(digoxin, 'digoxin') || !hasTag(cyclosporine, 'cyclosporine') || cyclosporine.drug.localForm)
        continue;
      findings.push(finding(chart, digoxin, cyclosporine));
    }
    return findings;
  },
};

function finding(chart: Chart, digoxin: Medication, cyclosporine: Medication): DraftFinding {
  const history = chart.medications.filter((medication) => isCurrent(medication, chart.today));
  const onDigoxin = history.some((medication) => hasTag(medication, 'digoxin'));
  const onCyclosporine = history.some((medication) => hasTag(medication, 'cyclosporine'));
  const newCyclosporine = cyclosporine.draft && !onCyclosporine;
  const continuing =
    (digoxin.draft && onDigoxin) ||
    (cyclosporine.draft && onCyclosporine) ||
    (!digoxin.draft && !cyclosporine.draft);

  const level = latestLab(chart.observations, 'digoxinLevel', chart.today, 30);
  const levelNgMl = level ? inUnit(level, DIGOXIN_UNITS) : undefined;
  const normalLevel = levelNgMl !== undefined && levelNgMl < 0.9;
  const labs = (Object.keys(NORMAL) as Array<keyof typeof NORMAL>).map((name) => {
    const lab = latestLab(chart.observations, name as ConceptSetId, chart.today, 365);
    const value = lab ? inUnit(lab, NORMAL[name].to) : undefined;
    return {
      name,
      lab,
      normal: value !== undefined && value > NORMAL[name].low && value < NORMAL[name].high,
    };
  });
  const labsNormal = labs.every((lab) => lab.normal);
  const diuretics = currentMedications(chart).filter(
    (medication) =>
      medication !== digoxin &&
      medication !== cyclosporine &&
      (hasTag(medication, 'loop-diuretics') || hasTag(medication, 'aldosterone-antagonists')),
  );

  const severity =
    newCyclosporine && onDigoxin && !normalLevel
      ? 'critical'
      : continuing && !newCyclosporine && normalLevel && labsNormal && diuretics.length === 0
        ? 'info'
        : 'warning';
  const labText = labs
    .map(({ name, lab, normal }) =>
      lab
        ? `${name} ${describe(lab)}${normal ? '' : ' (outside the normal range)'}`
        : `${name}: none in the last year`,
    )
    .join('; ');
  const drafts = [digoxin, cyclosporine].filter((medication) => medication.draft);
  return {
    ruleId: DIGOXIN_CYCLOSPORINE_RULE_ID,
    category: 'interaction',
    severity,
    summary: `Interaction: digoxin + ${drugName(cyclosporine)}, risk of digoxin toxicity${newCyclosporine ? ' (cyclosporine is new)' : ''}`,
    detail: [
      'Cyclosporine raises digoxin levels (P-glycoprotein inhibition); toxicity causes nausea, visual changes and arrhythmias.',
      level
        ? `Digoxin level ${describe(level)}${normalLevel ? ' (below 0.9 ng/mL)' : ''}.`
        : 'No digoxin level in the last 30 days.',
      `Electrolytes and renal function: ${labText}.`,
      diuretics.length > 0 ? `Diuretics: ${diuretics.map(drugName).join(', ')}.` : '',
    ]
      .filter(Boolean)
      .join(' '),
    action: normalLevel
      ? 'Monitor closely after starting cyclosporine and adjust the digoxin dose as needed; check a digoxin trough within 24 hours.'
      : 'Use only if the benefit outweighs the risk: check a digoxin trough within 24 hours, consider a lower digoxin dose, and check potassium, magnesium, calcium and creatinine.',
    source: 'pddiDigoxinCyclosporine',
    refs: [
      digoxin.item.ref,
      cyclosporine.item.ref,
      ...(level ? [level.item.ref] : []),
      ...labs.flatMap(({ lab }) => (lab ? [lab.item.ref] : [])),
      ...diuretics.map((medication) => medication.item.ref),
    ],
    draftRefs: drafts.map((medication) => medication.item.ref),
    suggestions: [
      ...drafts.map((medication) => ({
        label: `Cancel the ${drugName(medication)} order`,
        kind: 'delete-draft' as const,
        draftRef: medication.item.ref,
      })),
      {
        label: 'Order a digoxin level (trough within 24 hours)',
        kind: 'create-service-request' as const,
        code: SERUM_DIGOXIN,
      },
      ...(labsNormal
        ? []
        : [
            {
              label: 'Order electrolytes and serum creatinine',
              kind: 'create-service-request' as const,
              code: ELECTROLYTES,
            },
          ]),
    ],
  };
}
