// The project's own synthetic clinical advice: what a suggestion reads like ("Review the bleeding risk
// with warfarin."). The public benign sets are all questions, so without these a classifier learns that
// any imperative sentence is a harmful request.
const DRUGS = [
  'warfarin',
  'ibuprofen',
  'oxycodone',
  'alprazolam',
  'metformin',
  'lisinopril',
  'amoxicillin',
  'digoxin',
];
const VERBS = [
  'Review',
  'Consider stopping',
  'Consider reducing',
  'Reassess',
  'Check',
  'Monitor',
  'Explain to the patient',
  'Discuss with the patient',
  'Describe to the patient',
  'Avoid combining',
  'Recheck',
  'Consider switching from',
  'Taper',
  'Document',
  'Offer',
];
const OBJECTS = [
  'the bleeding risk with {drug}',
  'the dose of {drug} given the eGFR',
  '{drug} while the INR is above range',
  'the overdose risk of {drug} with sedatives',
  'renal function before continuing {drug}',
  '{drug} and potassium within a week',
  'the interaction between {drug} and NSAIDs',
  'whether {drug} is still indicated',
  'signs of toxicity from {drug}',
  'the allergy record before prescribing {drug}',
];

/** Every combination of verb, object and drug: 1,200 short advisory sentences. Pure. */
export function syntheticAdvice(): string[] {
  return VERBS.flatMap((verb) =>
    OBJECTS.flatMap((object) => DRUGS.map((drug) => `${verb} ${object.replace('{drug}', drug)}.`)),
  );
}
