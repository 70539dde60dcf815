/** Every rule id, defined once (rail findings and the audit log name rules by these). */
export const RuleId = {
  ControlTokens: 'input.control-tokens',
  PromptInjection: 'input.prompt-injection',
  PhiMinimised: 'input.phi-minimised',
  CitationUnknown: 'output.citation-unknown',
  AllergyConflict: 'output.allergy-conflict',
  Interaction: 'output.interaction',
  OpioidMme: 'output.opioid-mme',
  DisclaimerMissing: 'output.disclaimer-missing',
} as const;
