import { ingredientsNamedIn } from '@aloe/clinical-knowledge';

/** What a sentence says to do with a drug it names: take it off the list, or keep / start / adjust it. */
export type TextIntent = 'remove' | 'keep';

export interface DrugIntent {
  ingredient: string;
  intent: TextIntent;
}

// Verbs (and their negations) that say what to do with the drug after them. Negated keep-verbs come
// first in the alternation so "do not start" reads as remove. "switch from" / "replace" make a later
// "to" / "with" a keep marker ("switch from ibuprofen to paracetamol").
const REMOVE =
  String.raw`(?:do not|don't|never|no longer|not|avoid)\s+(?:\w+\s+){0,2}?(?:start(?:ing)?|giv(?:e|ing)|us(?:e|ing)|continu(?:e|ing)|prescrib(?:e|ing)|add(?:ing)?|resum(?:e|ing)|restart(?:ing)?|tak(?:e|ing)|increas(?:e|ing)|be\s+(?:started|given|used|continued|prescribed|increased|resumed))` +
  String.raw`|stop(?:s|ped|ping)?|discontinu(?:e|es|ed|ing|ation)|hold(?:s|ing)?|held|withh(?:old|olding|eld)|withdraw(?:n|al|ing)?|ceas(?:e|ed|ing)|avoid(?:s|ed|ing)?|taper(?:ed|ing)?\s+off|deprescrib(?:e|ed|ing)|suspend(?:ed|ing)?|cancel(?:led|ling)?|contraindicated|instead\s+of|rather\s+than`;
const SWITCH = String.raw`(?:switch(?:ed|ing)?|chang(?:e|ed|ing))\s+(?:\w+\s+)?from|replac(?:e|ed|ing)`;
const KEEP = String.raw`start(?:s|ed|ing)?|begin|initiat(?:e|ed|ing)|add(?:ed|ing)?|prescrib(?:e|ed|ing)|resum(?:e|ed|ing)|restart(?:ed|ing)?|continu(?:e|ed|ing)|maintain(?:ed|ing)?|keep(?:ing)?|increas(?:e|ed|ing)|rais(?:e|ed|ing)|(?:up)?titrat(?:e|ed|ing)|reduc(?:e|ed|ing)|decreas(?:e|ed|ing)|lower(?:ed|ing)?|adjust(?:ed|ing)?|taper(?:ed|ing)?|switch(?:ed|ing)?\s+to`;
const MARKER = new RegExp(
  `(?<![a-z])(?:(?<remove>${REMOVE})|(?<switch>${SWITCH})|(?<keep>${KEEP})|(?<to>to|with))(?![a-z])`,
  'gi',
);
// "penicillin allergy", "allergic to penicillin": the drug names the allergy, not something to do.
const ALLERGY_MENTION =
  /\b[\w-]+\s+(?:allerg(?:y|ies|ic)|intoleran(?:ce|t)|hypersensitivity)\b|\b(?:allerg(?:y|ic)|intoleran(?:ce|t)|hypersensitiv(?:e|ity)|sensitivity|reaction)\s+(?:to\s+)?[\w-]+/gi;
// The words before a verb that make the drug before them its object: "ibuprofen should be stopped",
// "ibuprofen: stop".
const PASSIVE_TAIL = /(?:\b(?:be|is|are|been|being)|[:—–-])\s*$/i;
// Words that end a verb's object: "stop naproxen with warfarin on board" says nothing of warfarin.
const OBJECT_END =
  /(?<![a-z])(?:with|while|because|given|despite|since|as|due|for|on|in|at|until|after|before|if|when|which|that|who|per|than)(?![a-z])/i;

/**
 * The drugs a suggestion's text says to take off the list or to keep (start, continue, adjust), each
 * from the verb before it in its sentence ("stop ibuprofen and start paracetamol"; "switch from X to
 * Y"; "do not continue X"), or after it when the drug is the verb's subject ("X should be stopped").
 * A drug with no such verb ("warfarin with ibuprofen raises bleeding risk") says nothing. Pure.
 */
export function drugIntentsIn(text: string): DrugIntent[] {
  const intents = new Map<string, TextIntent>();
  const objectOf = (segment: string) => segment.split(OBJECT_END)[0]!;
  const say = (segment: string, intent: TextIntent | undefined) => {
    if (!intent) return;
    for (const ingredient of ingredientsNamedIn(segment)) {
      // A drug told both ways in one text: removal wins (it is the safe reading for the rails).
      if (intents.get(ingredient) !== 'remove') intents.set(ingredient, intent);
    }
  };
  for (const sentence of text.replace(ALLERGY_MENTION, ' ').split(/[.;!?](?=\s|$)|\n/)) {
    let intent: TextIntent | undefined;
    let switching = false;
    let last = 0;
    let head = true;
    for (const match of sentence.matchAll(MARKER)) {
      const groups = match.groups!;
      if (groups.to !== undefined && !switching) continue;
      const before = sentence.slice(last, match.index);
      const next: TextIntent = groups.keep !== undefined || groups.to !== undefined ? 'keep' : 'remove';
      // The words before the first verb belong to it only in the passive or after a colon.
      if (head) {
        if (PASSIVE_TAIL.test(before)) say(before.split(OBJECT_END).at(-1)!, next);
      } else {
        say(objectOf(before), intent);
      }
      head = false;
      switching = groups.switch !== undefined || (switching && groups.to === undefined);
      intent = next;
      last = match.index + match[0].length;
    }
    if (!head) say(objectOf(sentence.slice(last)), intent);
  }
  return [...intents].map(([ingredient, intent]) => ({ ingredient, intent }));
}
