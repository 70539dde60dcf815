// HL7 AI Transparency on FHIR (ARCHITECTURE §4): what marks a resource as AI-asserted, and the
// identifiers that make every write idempotent.
export const AIAST = {
  system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue',
  code: 'AIAST',
  display: 'Artificial Intelligence asserted',
} as const;

/** Identifier system of a written suggestion: value `<contextId>/<suggestionId>`, stable across redeliveries. */
export const SUGGESTION_IDENTIFIER_SYSTEM = 'urn:aloe:suggestion';
/** Tag system carrying the suggestion set id on everything one set writes (Provenance has no identifier). */
export const SUGGESTION_SET_TAG_SYSTEM = 'urn:aloe:suggestion-set';
/** Identifier system of the Device describing a model: the GGUF file's SHA-256. */
export const MODEL_IDENTIFIER_SYSTEM = 'urn:aloe:model-sha256';
/** Identifier system of the Device describing the clinical-knowledge rules: value the rules' version. */
export const KNOWLEDGE_RULES_IDENTIFIER_SYSTEM = 'urn:aloe:knowledge-rules';
/** Tag system telling a set's Provenances apart: `<setId>/model` (AI-asserted) or `<setId>/knowledge`. */
export const PROVENANCE_TAG_SYSTEM = 'urn:aloe:provenance';
