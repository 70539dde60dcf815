import type { ContextItem, Dose } from '@aloe/shared/schemas';
import type { Dosage, Duration, Extension, MedicationRequest, Quantity } from '@medplum/fhirtypes';
import { compact, firstCode, list, pickCoding } from './concepts.js';

// Epic sends the ordered dose in an extension when doseAndRate is absent (open.epic.com extensions).
const EPIC_ORDERED_DOSE = 'https://open.epic.com/fhir/extensions/ordered-dose';
const EPIC_ADMIN_AMOUNT = 'https://open.epic.com/fhir/extensions/admin-amount';

const HOURS_PER_UNIT: Record<string, number> = {
  s: 1 / 3600,
  min: 1 / 60,
  h: 1,
  hour: 1,
  d: 24,
  day: 24,
  wk: 168,
  week: 168,
  mo: 720,
  month: 720,
  a: 8760,
  year: 8760,
};

/** Administrations per day from a FHIR Timing.repeat (frequency per period in periodUnit). */
export function frequencyPerDay(
  frequency: number,
  period: number,
  unit: string | undefined,
): number | undefined {
  const hours = unit ? HOURS_PER_UNIT[unit] : undefined;
  if (!hours || period <= 0 || frequency <= 0) return undefined;
  return Math.round(((frequency * 24) / (period * hours)) * 1000) / 1000;
}

const quantity = (value: Quantity | undefined) =>
  value?.value !== undefined && Number.isFinite(value.value)
    ? compact({ value: value.value, unit: value.code ?? value.unit })
    : undefined;

/** A Duration in days (expectedSupplyDuration). */
export function durationDays(duration: Duration | undefined): number | undefined {
  if (duration?.value === undefined) return undefined;
  const hours = HOURS_PER_UNIT[duration.code ?? duration.unit ?? 'd'];
  return hours === undefined ? undefined : Math.round(((duration.value * hours) / 24) * 1000) / 1000;
}

/**
 * The dose rules need (the CDC MME calculator's reading of a Dosage): the dose or the high end of a
 * dose range, the rate, doses a day from frequencyMax or frequency over the period (else the number of
 * times of day), the route and whether it is as needed. With several doseAndRate entries, the one typed
 * "ordered" (or untyped) wins.
 */
export function doseOf(dosage: Dosage | undefined, extensions: Extension[] = []): Dose | undefined {
  if (!dosage) return undefined;
  const entries = list(dosage.doseAndRate);
  const entry =
    entries.find(
      (candidate) =>
        !candidate.type || /ordered/i.test(candidate.type.text ?? candidate.type.coding?.[0]?.code ?? ''),
    ) ?? entries[0];
  const epicDose = [...list(dosage.extension), ...list(extensions)].find(
    (extension) => extension.url === EPIC_ORDERED_DOSE || extension.url === EPIC_ADMIN_AMOUNT,
  )?.valueQuantity;
  const repeat = dosage.timing?.repeat;
  const frequency = repeat?.frequencyMax ?? repeat?.frequency;
  const perDay =
    (frequency && repeat?.period
      ? frequencyPerDay(frequency, repeat.period, repeat.periodUnit)
      : undefined) ??
    (list(repeat?.timeOfDay).length || undefined);
  const range = entry?.doseRange;
  const dose = compact({
    text: dosage.text?.slice(0, 500),
    quantity: quantity(entry?.doseQuantity) ?? quantity(epicDose),
    range: range ? compact({ low: quantity(range.low), high: quantity(range.high) }) : undefined,
    rate: quantity(entry?.rateQuantity),
    frequencyPerDay: perDay,
    route: pickCoding(dosage.route)?.display ?? firstCode(dosage.route),
    asNeeded: dosage.asNeededBoolean ?? (dosage.asNeededCodeableConcept ? true : undefined),
  });
  return Object.keys(dose).length > 0 ? dose : undefined;
}

/** What was asked of the pharmacy (MedicationRequest.dispenseRequest). */
export function supplyOf(request: MedicationRequest): ContextItem['supply'] {
  const dispense = request.dispenseRequest;
  if (!dispense) return undefined;
  const validity = dispense.validityPeriod
    ? compact({ start: dispense.validityPeriod.start, end: dispense.validityPeriod.end })
    : undefined;
  const supply = compact({
    days: durationDays(dispense.expectedSupplyDuration),
    quantity: quantity(dispense.quantity),
    refills: dispense.numberOfRepeatsAllowed,
    validity: validity && Object.keys(validity).length > 0 ? validity : undefined,
  });
  return Object.keys(supply).length > 0 ? supply : undefined;
}
