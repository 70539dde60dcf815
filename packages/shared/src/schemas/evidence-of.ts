import type { ContextItem, PatientContext } from './patient-context.js';
import type { Evidence } from './suggestion-set.js';

/** A medication's dose in words: the EHR's text, else what the structured dose says. */
function doseText(dose: ContextItem['dose']): string | undefined {
  if (!dose) return undefined;
  if (dose.text) return dose.text;
  const amount = dose.quantity ?? dose.range?.high;
  if (!amount) return undefined;
  const perDay = dose.frequencyPerDay ? `, ${dose.frequencyPerDay} a day` : '';
  return `${amount.value}${amount.unit ? ` ${amount.unit}` : ''}${perDay}${dose.route ? `, ${dose.route}` : ''}`;
}

/**
 * The evidence snapshot of a context item (what, when, which value), so a card or page can show it
 * without the context. For a suggestion set (guardrails) and a knowledge report (fhir-adapter) alike.
 */
export function evidenceOf(item: ContextItem): Evidence {
  const value = item.value
    ? `${item.value.value}${item.value.unit ? ` ${item.value.unit}` : ''}`
    : (item.valueText ?? doseText(item.dose));
  const display =
    item.code?.display ?? item.codeText ?? item.codings?.find((coding) => coding.display)?.display;
  return {
    ref: item.ref,
    kind: item.kind,
    ...(display ? { display: display.slice(0, 500) } : {}),
    ...(item.date ? { date: item.date } : {}),
    ...(value ? { value: value.slice(0, 500) } : {}),
    ...(item.status === 'draft' ? { draft: true } : {}),
  };
}

/** The patient as evidence: age, sex and whether deceased, never an identifier. */
export function patientEvidence(patient: PatientContext['patient']): Evidence {
  const age = patient.ageYears === undefined ? 'age unknown' : `${patient.ageYears} years`;
  return {
    ref: patient.ref,
    kind: 'patient',
    display: `Patient, ${age}, ${patient.sex}${patient.deceased ? ', recorded as deceased' : ''}`,
  };
}
