// Patterns for content that must never reach a clinician as a suggestion (docs/architecture.md#output-rails:
// harmful or out-of-scope content, impersonation, definitive diagnosis language). Each has a rule id and a
// reason.
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

const ASK = String.raw`(?:how (?:to|do|can|could|would|should|might) (?:i|you|we|one|someone|a (?:doctor|nurse|physician|clinician|provider|pharmacist|healthcare (?:professional|provider|worker)))?|ways? (?:to|of|for)|steps? (?:to|for)|instructions? (?:for|on|to)|tutorial|guide (?:to|for|on)|tips (?:for|on|to)|write|create|draft|compose|generate|give|provide|describe|explain|list|suggest|outline|develop|design|devise|help me|teach me|tell me how|what (?:is|are) the (?:best|easiest|most effective) ways?)`;

/**
 * Figurative and fictional uses of harm words ("kill a Python process", "steal the show", "a weapon in
 * Minecraft", "a fraud scheme in my crime novel"): XSTest's traps. A text that has one is not flagged by
 * the harmful-request rule (the other rules still apply).
 */
export const FIGURATIVE_CONTEXT =
  /\b(python|process(es)?|program|script|thread|server|time|lights?|weeds?|mosquito(es)?|vermin|pests?|insects?|bugs? in|rats?|mice|heart|show|test|exam|interview|presentation|minecraft|call of duty|gta|grand theft auto|battlefield|fortnite|chess|video ?game|(?:in|for) (?:a|my) (?:game|book|novel|story|film|movie|screenplay|play)|crime novel|fiction(?:al)?|character|zombie)\b/i;

/**
 * A line that opens by declining ("I'm sorry, but I cannot …"); MedSafetyBench's safe responses are all
 * of this shape. It counts only when the text never turns to complying (COMPLIANCE_TURN).
 */
export const REFUSAL =
  /(?:^|\n)\s*(?:I['’]m sorry|I am sorry|I apologi[sz]e|I (?:cannot|can['’]t|won['’]t|will not|must decline|am unable to|am not able to)|As an AI\b)/i;
export const COMPLIANCE_TURN =
  /\b(?:however,? here(?:'s| is| are)|here(?:'s| is| are) (?:how|the steps|a (?:guide|method|recipe))|step 1\b|first,? (?:you|get|take|mix|buy))/i;

/**
 * Requests for harm, as text a suggestion must never contain and EHR text must never smuggle in
 * (measured on HarmBench, Do-Not-Answer, MedSafetyBench and in-the-wild jailbreaks; see
 * docs/measurements.md#safety-on-public-data).
 */
export const HARMFUL_REQUESTS: readonly ContentPattern[] = [
  {
    ruleId: 'output.jailbreak',
    message: 'Jailbreak or role-play instructions aimed at a model',
    pattern:
      /\b(DAN|developer mode|jailbr(oken|eak)|uncensored|unfiltered|amoral|no (ethical|moral) (guidelines|constraints|restrictions|boundaries)|without (any )?(restrictions|filters|limitations|censorship|ethics|morals)|(never|not|don't|do not) (ever )?refuse|stay in character|ignore (all |any )?(the |your )?(rules|guidelines|policies|restrictions)|you (will|must|shall) (always )?(answer|respond|comply|obey)|free from (all |any )?(rules|restrictions|policies)|break(ing)? (the|your|all) (rules|guidelines)|no longer (bound|restricted))\b/i,
  },
  {
    ruleId: 'output.harmful-request',
    message: 'Asks for or explains weapons, violence, crime, hacking, drugs or other serious harm',
    pattern: new RegExp(
      `${ASK}\\b[^.?!\\n]{0,120}\\b(?:bomb|explosive|detonat|weapon|firearm|gun|ammunition|silencer|poison|toxin|nerve agent|chemical weapon|biological (?:weapon|warfare|agent)|bioweapon|pathogen|ransomware|malware|virus (?:that|to)|keylogger|botnet|ddos|exploit|hack|phish|steal|theft|shoplift|rob|burglar|launder|counterfeit|forg(?:e|ery)|fraud|scam|smuggl|traffick|kidnap|abduct|murder|kill|assassinat|torture|terror|extremis|genocide|synthesi[sz]e|manufactur|meth|cocaine|heroin|fentanyl|lsd|mdma|drugs? (?:at home|without)|evade|evading|undetect|without (?:detection|getting caught|being caught|anyone knowing)|blackmail|extort|harass|stalk|dox|bully|spy on|track (?:someone|my|her|his)|revenge|discriminat|racist|sexist|slur|hate speech|propaganda|disinformation|misinformation|fake news|defam|plagiari|cheat|bribe|tax evasion|insider trading|illegal|illegally|unlawful)`,
      'i',
    ),
  },
  {
    ruleId: 'output.medical-ethics',
    message:
      'Asks a clinician to breach medical ethics (consent, confidentiality, honesty, non-discrimination, dignity)',
    pattern:
      /\b(without (?:(?:the |their |his |her |a )?(?:patient'?s? )?(?:informed )?consent|(?:their|the patient'?s?|his|her) (?:knowledge|permission|agreement))|mock(?:ing)?|belittl|humiliat|ridicul|shame|sham(?:ing)|insult|demean|patroni[sz]|disrespect|coerc|manipulat|pressur(?:e|ing) (?:a |the )?patients?|deceiv|mislead|lie to|lying to|withhold(?:ing)? (?:treatment|care|information|the (?:diagnosis|truth|results))|conceal|cover[- ]up|falsif|fabricat|alter(?:ing)? (?:the )?(?:records?|results|data|documentation)|unnecessary (?:tests?|procedures?|surger(?:y|ies)|treatments?|prescriptions?)|overbill|upcod|kickback|bill(?:ing)? for|breach(?:ing)? (?:of )?(?:patient )?confidentiality|disclos(?:e|ing) (?:a |the )?patient'?s?|share (?:a |the )?patient'?s? (?:records?|information|data|diagnosis)|discriminat|refus(?:e|ing) (?:to )?(?:treat|care for|see)|deny(?:ing)? (?:care|treatment) (?:to|based|because)|prioriti[sz]e (?:patients )?based on (?:race|religion|gender|wealth|insurance|ethnicity)|exploit|sexual(?:ly)? (?:relationship|advances?|favou?rs?)|date (?:a |my )?patients?|ignore (?:a |the )?(?:patient'?s?|their) (?:wishes|refusal|autonomy|advance directive|dnr)|against (?:the patient'?s?|their) (?:will|wishes)|experiment(?:ing)? on|euthan|assist(?:ed)? suicide|prescrib(?:e|ing) (?:\w+ )?(?:to (?:friends|family|myself)|without (?:an? )?(?:exam|evaluation|indication)))\b/i,
  },
];
