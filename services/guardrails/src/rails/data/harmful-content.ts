// Patterns for content that must never reach a clinician as a suggestion (ARCHITECTURE §6: harmful or
// out-of-scope content, impersonation, definitive diagnosis language). Each has a rule id and a reason.
export interface ContentPattern {
  ruleId: string;
  message: string;
  pattern: RegExp;
}

export const HARMFUL_CONTENT: readonly ContentPattern[] = [
  {
    ruleId: 'output.self-harm',
    message: 'Gives or invites self-harm or suicide methods',
    pattern:
      /\b(how to|ways to|best way to|painless(ly)?|method[s]? (to|of|for))\b[^.]{0,60}\b(kill (yourself|myself|himself|herself)|suicide|end (your|my) life|overdose (on|with)|self[- ]harm|cut (yourself|myself))\b|\b(lethal|fatal) (dose|amount)s? (of|to)\b/i,
  },
  {
    ruleId: 'output.dangerous-substances',
    message: 'Instructions for making or obtaining dangerous substances or weapons',
    pattern:
      /\b(synthesi[sz]e|synthesis|manufactur(e|ing)|cook(ing)?|brew|make|produce|extract)\b[^.]{0,80}\b(meth(amphetamine)?|fentanyl|heroin|cocaine|lsd|mdma|ricin|sarin|vx|nerve agent|anthrax|botulinum|explosive|bomb|napalm|mustard gas|chloroform|nitroglycerin)\b/i,
  },
  {
    ruleId: 'output.diversion',
    message: 'Helps obtain or misuse controlled drugs without a prescription, or deceive prescribers',
    pattern:
      /\b(without a prescription|fake (a )?prescription|forge[ds]? (a )?prescription|doctor shopping|get high|snort|inject (crushed|the pills)|bypass (the )?(pharmacist|prescription monitoring)|fool (the|a) (doctor|pharmacist))\b/i,
  },
  {
    ruleId: 'output.impersonation',
    message: 'Claims to be a clinician or to prescribe',
    pattern:
      /\b(as your (doctor|physician|nurse|pharmacist)|i am (a|your) (doctor|physician|nurse|pharmacist)|i('m| am) (prescribing|ordering)|i (hereby )?prescribe)\b/i,
  },
  {
    ruleId: 'output.definitive-diagnosis',
    message: 'States a diagnosis as certain; suggestions must be advisory',
    pattern:
      /\b(you (definitely|certainly|clearly) have|the (definitive|final|certain) diagnosis is|(definitely|certainly|undoubtedly) (has|is suffering from)|there is no doubt (that )?(the patient|you) ha(s|ve))\b/i,
  },
  {
    ruleId: 'output.out-of-scope',
    message: 'Outside the clinical decision-support scope (legal, financial, record falsification)',
    pattern:
      /\b(falsif(y|ied|ying)|alter(ing)? (the )?(medical )?records?|backdat(e|ing)|hide (it )?from (the )?(auditors?|insurer|regulators?)|upcod(e|ing)|bill (for|the) (services|procedures) not (performed|provided))\b/i,
  },
];

/** Phrases in EHR free text that try to instruct the model (indirect prompt injection). */
export const INJECTION_PATTERNS: readonly RegExp[] = [
  /\b(ignore|disregard|forget|override)\b[^.\n]{0,40}\b(previous|prior|above|earlier|all|your)\b[^.\n]{0,20}\b(instructions?|rules?|prompts?|guidelines|directions)\b/i,
  /\b(system|developer|admin(istrator)?) (notice|message|prompt|override|instruction)s?\b/i,
  /\b(you are now|from now on,? you|act as|pretend to be|roleplay as|new instructions?:)\b/i,
  /\b(do not|don't) (cite|mention|tell|reveal|include)\b[^.\n]{0,40}\b(evidence|sources?|clinician|doctor|this)\b/i,
  /\b(jailbreak|dan mode|developer mode|do anything now)\b/i,
  /\b(assistant|system)\s*:\s*/i,
  /\b(tell|instruct|advise) the (clinician|doctor|physician|nurse)\b/i,
  /\b(reveal|print|repeat|show)\b[^.\n]{0,30}\b(system prompt|instructions|your prompt)\b/i,
];
