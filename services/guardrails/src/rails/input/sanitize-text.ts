// Chat-template control tokens of Llama 3.x, ChatML (Qwen), Llama 2/Mistral and generic role markers:
// text from the EHR must never open or close a turn (docs/research-notes.md#template-injection).
const CONTROL_TOKENS =
  /<\|(?:begin_of_text|end_of_text|start_header_id|end_header_id|eot_id|eom_id|im_start|im_end|endoftext|system|user|assistant|python_tag|finetune_right_pad_id|reserved_special_token_\d+)\|>|\[\/?INST\]|<<\/?SYS>>|<\/?s>/gi;

/** Removes chat-template control tokens; returns the clean text and how many were removed. Pure. */
export function stripControlTokens(text: string): { text: string; removed: number } {
  let removed = 0;
  const clean = text.replace(CONTROL_TOKENS, () => {
    removed++;
    return ' ';
  });
  return { text: clean, removed };
}

// Direct identifiers the prompt must not carry (HIPAA Safe Harbor's list, as far as text patterns go).
const PHI_PATTERNS: ReadonlyArray<[RegExp, string]> = [
  [/\b[\w.+-]+@[\w-]+\.[\w.]+\b/g, '[EMAIL]'],
  [/(?:\+?\d{1,2}[\s.-]?)?\(?\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}\b/g, '[PHONE]'],
  [/\b\d{3}-\d{2}-\d{4}\b/g, '[SSN]'],
  [/\b(?:MRN|medical record (?:number|no\.?)|patient id)\s*[:#]?\s*[\w-]{4,}\b/gi, '[MRN]'],
  [
    /\b\d{1,5}\s+(?:[A-Z][a-z]+\s){1,3}(?:Street|St|Avenue|Ave|Road|Rd|Lane|Ln|Drive|Dr|Boulevard|Blvd|Court|Ct|Way)\b/g,
    '[ADDRESS]',
  ],
  [/\b(?:DOB|date of birth|born(?: on)?)\s*[:#]?\s*\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}\b/gi, '[BIRTH-DATE]'],
  [/\b(?:Mr|Mrs|Ms|Miss|Dr)\.?\s+[A-Z][a-z]+(?:\s[A-Z][a-z]+)?\b/g, '[NAME]'],
  // A clinician's name with a credential, or after the words that sign or attribute a note.
  [/\b[A-Z][a-z]+(?:\s[A-Z]\.)?\s[A-Z][a-z]+,?\s(?:MD|DO|RN|NP|PA-C|PA|PharmD|APRN|CNM)\b/g, '[NAME]'],
  [
    /\b(?:signed|seen|reviewed|dictated|entered|ordered|authored|attested|verified|called|per)(?: by)?:?\s+[A-Z][a-z]+(?:\s[A-Z]\.)?(?:\s[A-Z][a-z]+)?\b/g,
    '[NAME]',
  ],
];

/** Replaces direct identifiers in free text with placeholders; returns how many. Pure. */
export function minimisePhi(text: string): { text: string; replaced: number } {
  let replaced = 0;
  let clean = text;
  for (const [pattern, placeholder] of PHI_PATTERNS) {
    clean = clean.replace(pattern, () => {
      replaced++;
      return placeholder;
    });
  }
  return { text: clean, replaced };
}
