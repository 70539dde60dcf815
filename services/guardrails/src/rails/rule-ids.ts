/** Every rule id, defined once (rail findings and the audit log name rules by these). */
export const RuleId = {
  ControlTokens: 'input.control-tokens',
  PromptInjection: 'input.prompt-injection',
  PhiMinimised: 'input.phi-minimised',
  CitationUnknown: 'output.citation-unknown',
  // What a suggestion proposes (its actions) is judged by the clinical-knowledge rules, whose findings
  // keep their own ids (knowledge.allergy.…, knowledge.renal.…); these are the rails' own checks on it.
  ActionDoseInvalid: 'output.action-dose-invalid',
  ActionIncomplete: 'output.action-incomplete',
  ActionMissing: 'output.action-missing',
  TextContradictsActions: 'output.text-contradicts-actions',
} as const;
