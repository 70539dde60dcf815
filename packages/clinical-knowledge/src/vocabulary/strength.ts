/** An ingredient's strength as an RxNorm clinical-drug name writes it. */
export interface Strength {
  ingredient: string;
  /** In milligrams (MCG and G converted). */
  valueMg: number;
  /** `unit`: per tablet, capsule, patch…; `mL`: per millilitre; `hour`: per hour (patches); `actuation`. */
  per: 'unit' | 'mL' | 'hour' | 'actuation' | 'mg';
}

const TO_MG: Record<string, number> = { mg: 1, mcg: 0.001, ug: 0.001, g: 1000 };
const PER: Record<string, Strength['per']> = {
  ml: 'mL',
  hr: 'hour',
  h: 'hour',
  actuat: 'actuation',
  mg: 'mg',
};

// "<ingredient words> <number> <MG|MCG|G>[/<ML|HR|ACTUAT|MG>]", the RxNorm SCD pattern, one per ingredient.
const STRENGTH = /^(.*?)\s(\d+(?:\.\d+)?)\s(MG|MCG|UG|G)(?:\/(ML|HR|H|ACTUAT|MG))?\b/i;

/**
 * The strengths in an RxNorm clinical drug name, e.g. "Acetaminophen 325 MG / Oxycodone Hydrochloride
 * 5 MG Oral Tablet" → acetaminophen 325 mg/unit, oxycodone 5 mg/unit; "72 HR fentanyl 0.025 MG/HR
 * Transdermal System" → fentanyl 0.025 mg/hour. Pure; ingredients are recognised by `namesIn`.
 */
export function parseStrengths(display: string, namesIn: (text: string) => string[]): Strength[] {
  const strengths: Strength[] = [];
  // Leading package sizes ("10 ML …", "72 HR …") are not strengths.
  const name = display.replace(/^(\d+(\.\d+)?\s(ML|HR|ACTUAT|DAY)\s)+/i, '');
  for (const part of name.split(' / ')) {
    const match = STRENGTH.exec(part.trim());
    if (!match) continue;
    const [ingredient] = namesIn(match[1]!);
    if (!ingredient) continue;
    const unit = match[3]!.toLowerCase();
    const per = match[4] ? PER[match[4].toLowerCase()]! : 'unit';
    strengths.push({ ingredient, valueMg: Number(match[2]) * TO_MG[unit]!, per });
  }
  return strengths;
}
