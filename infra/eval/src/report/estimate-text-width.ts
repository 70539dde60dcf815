// Without a canvas Vega guesses every character at 0.8 em, which truncates axis labels and pads the charts.
// These are Helvetica/Arial advance widths in em, grouped; a few percent over so a label never overflows.
const NARROW_EM = 0.3;
const DIGIT_EM = 0.556;
const LOWER_EM = 0.53;
const UPPER_EM = 0.68;
const WIDE_EM = 0.86;
const OTHER_EM = 0.6;
const NARROW = new Set(" ijlI.,:;|!'`()[]{}ftr/-");
const WIDE = new Set('mwMW@%');
const BOLD_FACTOR = 1.07;
const SAFETY_FACTOR = 1.04;

/** The width in px `text` takes at `fontSizePx` in Helvetica or Arial. */
export function estimateTextWidthPx(text: string, fontSizePx: number, bold = false): number {
  let em = 0;
  for (const character of text) em += characterWidthEm(character);
  return em * fontSizePx * SAFETY_FACTOR * (bold ? BOLD_FACTOR : 1);
}

function characterWidthEm(character: string): number {
  if (NARROW.has(character)) return NARROW_EM;
  if (WIDE.has(character)) return WIDE_EM;
  if (character >= '0' && character <= '9') return DIGIT_EM;
  if (character >= 'a' && character <= 'z') return LOWER_EM;
  if (character >= 'A' && character <= 'Z') return UPPER_EM;
  return OTHER_EM;
}
