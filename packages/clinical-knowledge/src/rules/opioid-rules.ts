import type { Chart, Medication } from '../chart/chart.js';
import { addDays, dayOf, isoDay, minusMonths } from '../chart/dates.js';
import type { DraftFinding } from '../finding.js';
import { dailyMme, MME_THRESHOLDS, totalMme } from '../opioid/mme.js';
import {
  activeAmbulatoryRx,
  daysOnOpioids,
  isAcute,
  isBenzodiazepine,
  isBenzodiazepineOrCnsDepressant,
  isExtendedReleaseOpioid,
  isMoud,
  isNaloxone,
  isOpioidAnalgesic,
  isOpioidNaive,
  isSubacuteOrChronic,
  supplyDays,
} from '../opioid/opioid-meds.js';
import { recentScreens, unexpectedResults } from '../opioid/uds.js';
import { isActiveStatus } from '../vocabulary/codes.js';
import { isA } from '../vocabulary/concepts.js';
import { drugName } from './interactions.js';
import {
  applies,
  cancelDrafts,
  draftRefsOf,
  names,
  type OpioidContext,
  opioidContext,
  recommendation,
  refsOf,
} from './opioid-context.js';
import type { Rule } from './rule.js';

const SNOMED = 'http://snomed.info/sct';
const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
const URINE_DRUG_SCREEN = { system: SNOMED, code: '310627008', display: 'Urine drug screening (procedure)' };
const RISK_ASSESSMENT = {
  system: SNOMED,
  code: '454281000124100',
  display: 'Assessment of risk for opioid abuse (procedure)',
};
const NALOXONE_NASAL = {
  system: RXNORM,
  code: '1725059',
  display: 'naloxone hydrochloride 40 MG/ML Nasal Spray',
};

const contexts = new WeakMap<Chart, OpioidContext>();
const contextOf = (chart: Chart) => {
  const known = contexts.get(chart);
  if (known) return known;
  const context = opioidContext(chart);
  contexts.set(chart, context);
  return context;
};

/** One Rule per recommendation; `find` returns the findings of an applicable chart. */
function rule(rec: number, title: string, find: (context: OpioidContext) => DraftFinding[]): Rule {
  return {
    id: `knowledge.opioid.rec${String(rec).padStart(2, '0')}`,
    category: 'opioid',
    title: `CDC 2022 opioid guideline, recommendation ${rec}: ${title}`,
    source: 'cdcOpioid2022',
    evaluate: (chart) => find(contextOf(chart)),
  };
}

const chronic = (context: OpioidContext) => context.triggers.filter(isSubacuteOrChronic);
const within = (day: number | undefined, from: number, to: number) =>
  day !== undefined && day >= from && day <= to;

export const rec01NonopioidFirst = rule(1, 'nonopioid therapy for acute pain', (context) => {
  if (!context.orders || !applies(context, { endOfLifeExcludes: false }) || !isOpioidNaive(context.chart))
    return [];
  const acute = context.triggers.filter(isAcute);
  if (acute.length === 0) return [];
  return [
    recommendation(1, 'nonopioid-first', {
      summary: `Opioid for acute pain (${names(acute)}): consider nonopioid therapy first`,
      detail:
        'nonopioid therapies are at least as effective as opioids for many common types of acute pain; the patient has no opioid prescription in the last 90 days.',
      action:
        'Maximise nonpharmacologic and nonopioid therapy (e.g. NSAIDs, acetaminophen) as appropriate; prescribe an opioid only if benefits are expected to outweigh risks.',
      refs: refsOf(acute),
      draftRefs: draftRefsOf(acute),
      suggestions: cancelDrafts(acute),
    }),
  ];
});

export const rec02TreatmentPlan = rule(
  2,
  'treatment plan before opioids for subacute or chronic pain',
  (context) => {
    const { chart } = context;
    if (!context.orders || !applies(context, { endOfLifeExcludes: false }) || !isOpioidNaive(chart))
      return [];
    const starting = chronic(context);
    if (starting.length === 0) return [];
    const from = addDays(chart.today, -90);
    const plans = chart.carePlans.filter(
      (item) =>
        isA(item, 'painTreatmentPlan') &&
        ['active', 'completed', undefined].includes(item.status) &&
        within(dayOf(item.date), from, chart.today),
    );
    if (plans.length > 0) return [];
    return [
      recommendation(2, 'treatment-plan', {
        summary: `Starting opioids for subacute or chronic pain (${names(starting)}): no treatment plan in 90 days`,
        detail:
          'before starting opioids for subacute or chronic pain, establish treatment goals, how opioids will be stopped if benefits do not outweigh risks, and review risks with the patient. No pain treatment plan was created or reviewed in the last 90 days.',
        action:
          'Create or review the opioid treatment plan with the patient (goals for pain and function, exit strategy).',
        refs: refsOf(starting),
        draftRefs: draftRefsOf(starting),
      }),
    ];
  },
);

// The IG's logic looks at subacute and chronic pain; the guideline's recommendation 3 covers acute pain
// too (ER/LA opioids are for severe, continuous pain after a week of immediate-release doses), so an
// ER/LA opioid for an opioid-naive patient is flagged whatever the supply.
export const rec03ImmediateRelease = rule(3, 'immediate-release opioids when starting', (context) => {
  if (!applies(context) || !isOpioidNaive(context.chart)) return [];
  const extended = context.triggers.filter(isExtendedReleaseOpioid);
  if (extended.length === 0) return [];
  const acute = extended.every((medication) => isAcute(medication) && !isSubacuteOrChronic(medication));
  return [
    recommendation(3, 'immediate-release-first', {
      summary: `Extended-release/long-acting opioid for an opioid-naive patient (${names(extended)})`,
      detail: `when starting opioid therapy${acute ? ' (here for acute pain)' : ''}, prescribe immediate-release opioids instead of extended-release/long-acting (ER/LA) opioids, which are for severe, continuous pain after at least a week of immediate-release doses; the patient has had no opioid in the last 90 days.`,
      action: 'Prescribe an immediate-release opioid at the lowest effective dose instead.',
      refs: refsOf(extended),
      draftRefs: draftRefsOf(extended),
      suggestions: cancelDrafts(extended),
    }),
  ];
});

export const rec04Mme = rule(4, 'lowest effective dose (MME)', (context) => {
  if (!applies(context)) return [];
  const starting = chronic(context);
  if (starting.length === 0) return [];
  const regimen = [
    ...new Set([
      ...starting,
      ...activeAmbulatoryRx(context.chart, isOpioidAnalgesic).filter(isSubacuteOrChronic),
    ]),
  ];
  const { total, uncounted } = totalMme(regimen);
  if (total < MME_THRESHOLDS.reassess) return [];
  const taper = total >= MME_THRESHOLDS.avoid;
  const parts = regimen
    .map((medication) => ({ medication, mme: dailyMme(medication).mmePerDay }))
    .filter(({ mme }) => mme !== undefined)
    .map(({ medication, mme }) => `${drugName(medication)} ${mme} MME/day`);
  return [
    recommendation(4, 'mme', {
      summary: `Opioid dose ${total} MME/day${taper ? ': 90 or more, high overdose risk' : ': 50 or more, reassess'}`,
      detail: `the total daily dose is ${total} morphine milligram equivalents (${parts.join('; ')}${uncounted.length > 0 ? `; not counted: ${names(uncounted)}` : ''}). CDC advises reassessing benefits and risks at 50 MME/day and avoiding or carefully justifying 90 MME/day or more.`,
      action: taper
        ? 'Taper towards less than 50 MME/day if benefits do not outweigh risks; offer naloxone.'
        : 'Reassess individual benefits and risks before increasing the dose; consider tapering.',
      refs: refsOf(regimen),
      draftRefs: draftRefsOf(regimen),
    }),
  ];
});

export const rec06AcuteDuration = rule(6, 'no more opioids than needed for acute pain', (context) => {
  if (!context.orders || !applies(context, { endOfLifeExcludes: false })) return [];
  const long = context.triggers.filter((medication) => {
    const days = supplyDays(medication);
    return days !== undefined && days > 7 && days < 28;
  });
  if (long.length === 0) return [];
  return [
    recommendation(6, 'acute-duration', {
      summary: `Opioid for acute pain prescribed for more than 7 days (${names(long)})`,
      detail: `the order covers ${long.map((medication) => `${supplyDays(medication)} days`).join(', ')}; for acute pain, prescribe no greater quantity than needed for the expected duration of severe pain (often 3 days or less, rarely more than 7).`,
      action: 'Limit the supply to the expected duration of severe pain, with immediate-release opioids.',
      refs: refsOf(long),
      draftRefs: draftRefsOf(long),
    }),
  ];
});

export const rec07Evaluate = rule(7, 'evaluate benefits and harms', (context) => {
  const { chart } = context;
  if (!context.orders || !applies(context)) return [];
  const ongoing = chronic(context);
  if (ongoing.length === 0) return [];
  const assessed = chart.procedures.some(
    (item) =>
      isA(item, 'opioidRiskAssessment') &&
      within(dayOf(item.date), addDays(chart.today, -91), addDays(chart.today, -1)),
  );
  if (assessed) return [];
  const lastTen = daysOnOpioids(chart, addDays(chart.today, -10), chart.today);
  const visit = chart.encounters.some(
    (item) =>
      (isA(item, 'officeVisit') || item.category === 'AMB') &&
      within(dayOf(item.date), addDays(minusMonths(chart.today, 12), -1), addDays(chart.today, -1)),
  );
  const months = [3, 2, 1].map((back) =>
    daysOnOpioids(chart, minusMonths(chart.today, back), minusMonths(chart.today, back - 1)),
  );
  const threeMonths = months.every((days) => days >= 21);
  const starting = lastTen >= 7 && visit;
  if (!starting && !threeMonths) return [];
  return [
    recommendation(7, 'evaluate-benefits-harms', {
      summary: threeMonths
        ? 'Long-term opioid therapy: no benefit and harm evaluation in the past 3 months'
        : 'Opioid therapy started: evaluate benefits and harms within 1 to 4 weeks',
      detail: threeMonths
        ? `the patient has had opioids on at least 21 of 30 days in each of the last 3 months (${months.join(', ')} days) and no opioid risk assessment in the last 91 days.`
        : `the patient has had opioids on ${lastTen} of the last 10 days and no opioid risk assessment in the last 91 days.`,
      action:
        'Evaluate benefits and harms with the patient (pain, function, risk of misuse) and document the assessment.',
      refs: refsOf(ongoing),
      draftRefs: draftRefsOf(ongoing),
      suggestions: [
        { label: 'Order an opioid risk assessment', kind: 'create-service-request', code: RISK_ASSESSMENT },
      ],
    }),
  ];
});

export const rec08Naloxone = rule(8, 'offer naloxone when overdose risk is high', (context) => {
  const { chart } = context;
  if (!applies(context)) return [];
  const ongoing = chronic(context);
  if (ongoing.length === 0) return [];
  const naloxone = activeAmbulatoryRx(chart, isNaloxone);
  if (naloxone.length > 0 || chart.drafts.some(isNaloxone)) return [];
  const benzodiazepines = activeAmbulatoryRx(chart, isBenzodiazepine);
  const regimen = [...new Set([...context.triggers, ...activeAmbulatoryRx(chart, isOpioidAnalgesic)])];
  const { total } = totalMme(regimen);
  const misuse = chart.conditions.filter((item) => isA(item, 'substanceMisuse'));
  const breathing = chart.conditions.filter(
    (item) => isActiveStatus(item) && isA(item, 'sleepDisorderedBreathing'),
  );
  const factors = [
    total >= MME_THRESHOLDS.reassess ? `${total} MME/day (50 or more)` : undefined,
    benzodiazepines.length > 0 ? `a benzodiazepine (${names(benzodiazepines)})` : undefined,
    misuse.length > 0
      ? `a history of alcohol or drug misuse (${misuse.map((item) => item.code?.display ?? 'condition').join(', ')})`
      : undefined,
    breathing.length > 0 ? 'sleep-disordered breathing' : undefined,
  ].filter((factor): factor is string => factor !== undefined);
  if (factors.length === 0) return [];
  return [
    recommendation(8, 'naloxone', {
      summary: `Overdose risk with opioids (${factors.length} factor${factors.length > 1 ? 's' : ''}): offer naloxone`,
      detail: `risk factors for opioid overdose: ${factors.join('; ')}. No naloxone prescription is on record.`,
      action:
        'Offer naloxone and teach the patient and family how to use it; consider other risk mitigation.',
      refs: [
        ...refsOf(ongoing),
        ...refsOf(benzodiazepines),
        ...misuse.map((item) => item.ref),
        ...breathing.map((item) => item.ref),
        ...(total >= MME_THRESHOLDS.reassess ? refsOf(regimen) : []),
      ],
      draftRefs: draftRefsOf(ongoing),
      suggestions: [
        {
          label: 'Prescribe naloxone nasal spray',
          kind: 'create-medication',
          code: NALOXONE_NASAL,
          description:
            '4 mg nasal spray, one spray in a nostril for suspected overdose; repeat after 2-3 minutes if needed.',
        },
      ],
    }),
  ];
});

export const rec09Pdmp = rule(9, 'review the PDMP', (context) => {
  const { chart } = context;
  if (!context.orders || !applies(context, { endOfLifeExcludes: false })) return [];
  const ongoing = chronic(context);
  if (ongoing.length === 0) return [];
  const from = addDays(chart.today, -90);
  const reviewed = [...chart.procedures, ...chart.observations].some(
    (item) =>
      isA(item, 'pdmpReview') &&
      !['entered-in-error', 'not-done', 'cancelled'].includes(item.status ?? '') &&
      within(dayOf(item.date), from, chart.today),
  );
  if (reviewed) return [];
  return [
    recommendation(9, 'pdmp', {
      summary: `Review the PDMP before prescribing opioids (${names(ongoing)}): no review in 90 days`,
      detail:
        'review the patient’s history of controlled substance prescriptions in the state prescription drug monitoring program (PDMP) before starting opioid therapy and at least every 3 months during it. No PDMP review is on record in the last 90 days.',
      action: 'Check the PDMP for other opioids, benzodiazepines and prescribers before signing.',
      refs: refsOf(ongoing),
      draftRefs: draftRefsOf(ongoing),
    }),
  ];
});

export const rec10UrineTesting = rule(10, 'urine drug testing', (context) => {
  const { chart } = context;
  if (!applies(context)) return [];
  const ongoing = chronic(context);
  if (ongoing.length === 0) return [];
  const screens = recentScreens(chart);
  const findings: DraftFinding[] = [];
  if (screens.length === 0)
    findings.push(
      recommendation(10, 'urine-drug-testing', {
        summary: 'Long-term opioid therapy: no urine drug test in the past 12 months',
        detail:
          'consider toxicology testing before starting opioids for subacute or chronic pain and at least once a year during it, to find other prescribed and unreported substances.',
        action:
          'Discuss and order a urine drug screen (explain why; do not dismiss a patient from care on its result).',
        refs: refsOf(ongoing),
        draftRefs: draftRefsOf(ongoing),
        suggestions: [
          { label: 'Order a urine drug screen', kind: 'create-service-request', code: URINE_DRUG_SCREEN },
        ],
      }),
    );
  const unexpected = unexpectedResults(chart, screens);
  if (unexpected.length > 0)
    findings.push(
      recommendation(10, 'unexpected-result', {
        summary: `Unexpected urine drug test result${unexpected.length > 1 ? 's' : ''}: ${[
          ...new Set(unexpected.map((found) => `${found.result} for ${found.substance}`)),
        ].join(', ')}`,
        detail: `${unexpected
          .map(
            (found) =>
              `${found.result} for ${found.substance} on ${found.item.date?.slice(0, 10) ?? 'an unknown date'}${found.prescription ? ` although ${drugName(found.prescription)} was prescribed` : found.result === 'positive' ? ' with no prescription that explains it' : ''}`,
          )
          .join('; ')}.`,
        action:
          'Discuss the result with the patient; confirm with a definitive test if it would change management. Do not dismiss the patient from care.',
        refs: [...refsOf(ongoing), ...unexpected.map((found) => found.item.ref)],
        draftRefs: draftRefsOf(ongoing),
      }),
    );
  return findings;
});

export const rec11Benzodiazepines = rule(11, 'avoid opioids with benzodiazepines', (context) => {
  const { chart } = context;
  if (!applies(context)) return [];
  const activeOpioids = activeAmbulatoryRx(chart, isOpioidAnalgesic);
  const activeSedatives = activeAmbulatoryRx(chart, isBenzodiazepineOrCnsDepressant);
  let opioids: Medication[] = activeOpioids;
  let sedatives: Medication[] = activeSedatives;
  if (context.orders) {
    // A draft on either side, against the other side's active prescriptions or drafts.
    const draftOpioids = context.triggers;
    const draftSedatives = chart.drafts.filter(isBenzodiazepineOrCnsDepressant);
    opioids = [
      ...(activeSedatives.length + draftSedatives.length > 0 ? draftOpioids : []),
      ...(draftSedatives.length > 0 ? activeOpioids : []),
    ];
    sedatives = [
      ...(activeOpioids.length + draftOpioids.length > 0 ? draftSedatives : []),
      ...(draftOpioids.length > 0 ? activeSedatives : []),
    ];
  }
  if (opioids.length === 0 || sedatives.length === 0) return [];
  const draftIsSedative = sedatives.some((medication) => medication.draft);
  return [
    recommendation(11, 'benzodiazepine', {
      summary: `Opioid with a benzodiazepine or sedative: ${names(opioids)} + ${names(sedatives)}`,
      detail: `${draftIsSedative ? 'the benzodiazepine prescription request is concurrent with an active opioid prescription' : 'the opioid prescription is concurrent with an active benzodiazepine or sedative prescription'}; together they cause respiratory depression and overdose deaths.`,
      action:
        'Avoid prescribing them together whenever possible; if unavoidable, use the lowest doses, taper one, and offer naloxone.',
      refs: [...refsOf(opioids), ...refsOf(sedatives)],
      draftRefs: draftRefsOf([...opioids, ...sedatives]),
      suggestions: cancelDrafts([...opioids, ...sedatives]),
    }),
  ];
});

export const rec12OpioidUseDisorder = rule(12, 'offer treatment for opioid use disorder', (context) => {
  const { chart } = context;
  if (context.orders) return [];
  const age = chart.patient.ageYears;
  if (age !== undefined && age < 18) return [];
  const from = addDays(chart.today, -90);
  const disorders = chart.conditions.filter(
    (item) =>
      isActiveStatus(item) &&
      isA(item, 'opioidUseDisorder') &&
      within(dayOf(item.recorded ?? item.date), from, chart.today),
  );
  if (disorders.length === 0) return [];
  const treated = chart.medications.some(
    (medication) =>
      isMoud(medication) &&
      ['active', 'completed', undefined].includes(medication.item.status) &&
      within(medication.startDay, from, chart.today),
  );
  if (treated) return [];
  return [
    recommendation(12, 'opioid-use-disorder', {
      summary: 'Opioid use disorder without buprenorphine or methadone in the last 90 days',
      detail: `${disorders.map((item) => item.code?.display ?? 'opioid use disorder').join(', ')} recorded since ${isoDay(from)}; no buprenorphine or methadone prescription in that time.`,
      action:
        'Offer or arrange evidence-based treatment: buprenorphine or methadone, with behavioural therapy.',
      refs: disorders.map((item) => item.ref),
    }),
  ];
});

export const OPIOID_RULES: readonly Rule[] = [
  rec01NonopioidFirst,
  rec02TreatmentPlan,
  rec03ImmediateRelease,
  rec04Mme,
  rec06AcuteDuration,
  rec07Evaluate,
  rec08Naloxone,
  rec09Pdmp,
  rec10UrineTesting,
  rec11Benzodiazepines,
  rec12OpioidUseDisorder,
];
