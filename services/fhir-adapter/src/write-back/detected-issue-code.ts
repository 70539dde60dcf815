import type { Suggestion } from '@aloe/shared/schemas';
import type { CodeableConcept } from '@medplum/fhirtypes';

/** HL7 v3 ActCode: R4 binds DetectedIssue.code (preferred) to its detected-issue codes. */
const ACT_CODE = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';

/** The v3 ActCode detected-issue concepts we use, with their HL7 displays. */
const ISSUE = {
  drugInteraction: { code: 'DRG', display: 'Drug Interaction Alert' },
  allergy: { code: 'ALGY', display: 'Allergy Alert' },
  lab: { code: 'LAB', display: 'Lab Alert' },
  age: { code: 'AGE', display: 'Age Alert' },
  highDose: { code: 'DOSEH', display: 'High Dose Alert' },
  doseDuration: { code: 'DOSEDUR', display: 'Dose-Duration Alert' },
  condition: { code: 'COND', display: 'Condition Alert' },
  /** The root of the hierarchy: a detected issue of no more specific kind. */
  issue: { code: 'ISSUE', display: 'Detected Issue' },
} as const;

/**
 * Clinical-knowledge rule ids (`knowledge.<family>.<rule>`) to the issue they detect, first match wins:
 * interactions (and CDC 2022 rec. 11, opioid + benzodiazepine) are drug interactions; renal limits
 * come from the eGFR (a lab result); CDC rec. 4 is a daily-dose (MME) limit, rec. 6 a duration limit,
 * rec. 12 opioids with an opioid use disorder (a condition); the rest (deceased patient with orders, unidentified medication, other CDC recommendations) have no
 * more specific v3 code than ISSUE.
 */
const BY_RULE: ReadonlyArray<readonly [RegExp, (typeof ISSUE)[keyof typeof ISSUE]]> = [
  [/^knowledge\.interaction\./, ISSUE.drugInteraction],
  [/^knowledge\.opioid\.rec11-/, ISSUE.drugInteraction],
  [/^knowledge\.allergy\./, ISSUE.allergy],
  [/^knowledge\.renal\./, ISSUE.lab],
  [/^knowledge\.age\./, ISSUE.age],
  [/^knowledge\.opioid\.rec04-/, ISSUE.highDose],
  [/^knowledge\.opioid\.rec06-/, ISSUE.doseDuration],
  [/^knowledge\.opioid\.rec12-/, ISSUE.condition],
];

/**
 * DetectedIssue.code of a medication-safety suggestion: coded from the clinical-knowledge rule that
 * found it (a rule's suggestion) or that the guardrails matched it to (a model's), else ISSUE; the
 * suggestion's title as text.
 */
export function detectedIssueCode(suggestion: Suggestion): CodeableConcept {
  const ruleIds = suggestion.reasons.map((reason) => reason.ruleId);
  const issue =
    BY_RULE.find(([pattern]) => ruleIds.some((ruleId) => pattern.test(ruleId)))?.[1] ?? ISSUE.issue;
  return { coding: [{ system: ACT_CODE, ...issue }], text: suggestion.title };
}
