// What marks EHR text as an instruction to the model (indirect prompt injection) rather than clinical
// documentation: the input rails keep such text out of the prompt. Data, read by
// rails/input/instruction-detector.ts.

/** Phrases that address a model or its rules wherever they stand in a text. */
export const ADDRESSES_THE_MODEL: readonly RegExp[] = [
  /\b(ignore|disregard|forget|override)\b[^.\n]{0,40}\b(previous|prior|above|earlier|all|your)\b[^.\n]{0,20}\b(instructions?|rules?|prompts?|guidelines|directions)\b/i,
  /\b(system|developer|admin(istrator)?) (notice|message|prompt|override|instruction)s?\b/i,
  /\b(you are now|from now on,? you|act as|pretend to be|roleplay as|new instructions?:)\b/i,
  /\b(do not|don't) (cite|mention|tell|reveal|include)\b[^.\n]{0,40}\b(evidence|sources?|clinician|doctor|this)\b/i,
  /\b(jailbreak|dan mode|developer mode|do anything now)\b/i,
  /\b(assistant|system)\s*:\s*/i,
  /\b(tell|instruct|advise) the (clinician|doctor|physician|nurse)\b/i,
  /\b(reveal|print|repeat|show)\b[^.\n]{0,30}\b(system prompt|instructions|your prompt)\b/i,
  /\byour (?:answer|response|reply|message|output|text)\b/i,
  /\b(?:ai|language model|llm|chatbot|assistant)\b[^.\n]{0,40}\b(?:must|should|will|shall|needs? to)\b/i,
];

/** Words that open a question put to a reader. */
export const QUESTION_OPENER =
  /^(?:what|who|whom|whose|where|when|why|which|how|can you|could you|would you|will you|do you|did you|are you|is there|are there|please|tell me|give me|show me)\b/i;

/**
 * Verbs that open a task about language, code or knowledge (an imperative sentence to a reader). Such
 * a sentence is an instruction to the model unless it speaks to the patient ("Explain to the patient …").
 */
export const TEXT_TASK_VERB =
  /^(?:please\s+)?(?:explain|draft|write|translate|summari[sz]e|compose|generate|paraphrase|rewrite|describe|create|tell|list|calculate|convert|solve|design|develop|outline|name|identify|share|teach|break down|substitute|render|introduce|misspell|respond|reply|answer|format|insert|append|prepend|spell|reverse|encode|decode|click|download|subscribe|sign up|buy|check out|search|look up|analy[sz]e|classify|predict|imagine|pretend|act|say|repeat|remember|forget|ignore)\b/i;

/** A text task addressed to the patient or family: counselling, not an instruction to the model. */
export const TO_THE_PATIENT =
  /^(?:please\s+)?\w+(?: \w+)? (?:to|with) (?:the )?(?:patient|pt|family|caregivers?|parents?|mother|father|spouse|husband|wife)\b/i;

/**
 * Verbs that open a clinical plan as well as a task ("Start lisinopril 10 mg", "Give influenza vaccine
 * today", "Provide a poem"): a plan when the sentence acts on something clinical and has no text-task word.
 */
export const PLAN_OR_TASK_VERB =
  /^(?:please\s+)?(?:give|start|begin|continue|resume|stop|hold|keep|add|use|include|provide|recommend|suggest|offer|help|replace|end|order|visit|review|evaluate|compare|find|check|obtain|schedule|arrange|consider|increase|decrease|reduce|titrate|taper|monitor|encourage|advise|discuss)\b/i;

/**
 * What a clinical plan line acts on: a dose, a route or schedule, a clinical noun. A sentence that opens
 * like a task ("Start lisinopril 10 mg", "Give influenza vaccine today") is a plan when it has one of
 * these (or names a drug the vocabulary knows) and none of the text-task words below.
 */
export const CLINICAL_OBJECT =
  /\b(?:\d+(?:\.\d+)?\s?(?:mg|mcg|µg|g|ml|l|units?|unt|iu|meq|mmol|%|hr|h)\b|(?:oral|topical|inhal\w*|inject\w*|infusion|tablet|capsule|suspension|solution|spray|patch|cream|ointment|drops?|syringe|pen|pump|vial|bid|tid|qid|qd|qhs|qam|prn|po|iv|im|sc|subq|daily|nightly|weekly|bedtime|as needed|as tolerated)\b|\b(?:vaccin\w*|immuni[sz]\w*|flu shot|booster|dose|insulin|oxygen|fluids?|labs?|cbc|bmp|cmp|a1c|hba1c|inr|lipid\w*|panel|urinalysis|culture|x-?ray|ct|mri|ultrasound|ecg|ekg|echo\w*|biopsy|scan|referr?\w*|specialist|consult\w*|follow[- ]?up|appointment|clinic|visit|admission|discharge|patient|pt|family|caregiver|counsel\w*|educat\w*|diet\w*|exercise|physical therapy|therapy|treatment|medication|meds?|prescription|pharmacy|monitor\w*|recheck|blood pressure|bp|glucose|weight|wound|dressing|smoking|alcohol|symptoms?|pain|side effects?|allerg\w*|cardiolog\w*|neurolog\w*|oncolog\w*|dermatolog\w*|endocrin\w*|gastro\w*|nephrolog\w*|urolog\w*|pulmon\w*|rheumatolog\w*|psychiatr\w*|orthop\w*|ophthalm\w*|obstetric\w*|gyn\w*|pediatric\w*|surg\w*|nurs\w*|physician|doctor|dentist|dietitian|pharmacist|diagnos\w*|prognos\w*|etiolog\w*|disease|disorder|condition|syndrome|infection|history of|management|next step))\b/i;

/** Words of a task about language, code or general knowledge, which no clinical plan has. */
export const TEXT_TASK =
  /\b(?:poem|poetry|essay|story|stories|joke|song|lyrics|haiku|limerick|sonnet|sentences?|paragraphs?|article|blog|tweet|headline|slogan|caption|translat\w*|french|spanish|german|italian|chinese|japanese|english|emojis?|anagrams?|homophones?|synonyms?|spell\w*|letters? of|alphabet|capital of|theory of|photosynthesis|relativity|python|javascript|java|sql|code|coding|program\w*|function|algorithm|website|url|link|https?:|www\.|click|download|subscribe|password|bitcoin|crypto\w*|recipe|movie|book|quiz|trivia|riddle|math\w*|equations?|quadratic|trip|travel|vacation|weather|stock|invest\w*|product|discount|offer|sale)\b/i;

/**
 * A first word used as a noun or in a declarative sentence, not as an imperative verb: "Review of
 * systems is negative", "Repeat blood cultures are negative", "Stop codon …".
 */
export const NOT_AN_IMPERATIVE =
  /^\S+\s+(?:of\b|(?:(?!(?:a|an|the|this|that|these|those|which|who|where|my|your|our|his|her|their|its|me|us|him|them|it|some|any|all|every|each|one|two|three)\b)\S+\s+){0,3}(?:is|are|was|were|has|have|had|shows?|showed|reveals?|revealed|demonstrates?|demonstrated)\b)/i;
