// HL7 AI Transparency on FHIR (docs/architecture.md#write-back): what marks a resource as AI-asserted, what
// describes the AI, and the identifiers that make every write idempotent. Codes as the IG's STU1 ballot
// (1.0.0-ballot, https://hl7.org/fhir/uv/aitransparency/2026Jan/) uses them.

/**
 * The security label of AI-asserted data (THO v3-ObservationValue; the IG's ProvenanceVS: "for use in
 * .meta.security to indicate AI was used"). It goes in meta.security of every resource holding model
 * output and of the model's Provenance, never in Provenance.reason, which R4 binds to PurposeOfUse.
 */
export const AIAST = {
  system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue',
  code: 'AIAST',
  display: 'Artificial Intelligence asserted',
} as const;

/** The IG's Device.type for an AI (its AI-Device profile fixes Device.type to this code). */
export const AI_DEVICE_TYPE = {
  system: 'http://hl7.org/fhir/uv/aitransparency/CodeSystem/AIdeviceTypeCS',
  code: 'Artificial-Intelligence',
  display: 'All kinds of Artificial Intelligence',
} as const;

/** The IG's AIKind extension on Device: which kind of AI; ours is a large language model. */
export const AI_KIND_EXTENSION_URL =
  'http://hl7.org/fhir/uv/aitransparency/StructureDefinition/aitransparency.AIKind';
export const LARGE_LANGUAGE_MODEL = {
  system: AI_DEVICE_TYPE.system,
  code: 'Large-Language-Models',
  display: 'Large Language Models',
} as const;

/** SNOMED CT for software as a device (as the HL7 SDOH Clinical Care IG's software Device codes it). */
export const SOFTWARE_DEVICE_TYPE = {
  system: 'http://snomed.info/sct',
  code: '706689003',
  display: 'Application program software',
} as const;

/** Why a Provenance's activity took place (R4 binds Provenance.reason to v3 PurposeOfUse): treatment. */
export const PURPOSE_TREATMENT = {
  system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason',
  code: 'TREAT',
  display: 'treatment',
} as const;

/** Who makes Aloe: the High Performance AI group of the Barcelona Supercomputing Center (https://huggingface.co/HPAI-BSC). */
export const ALOE_MANUFACTURER = 'HPAI-BSC';

/** Identifier system of a written suggestion: value `<contextId>/<suggestionId>`, stable across redeliveries. */
export const SUGGESTION_IDENTIFIER_SYSTEM = 'urn:aloe:suggestion';
/** Tag system carrying the suggestion set id on everything one set writes (Provenance has no identifier). */
export const SUGGESTION_SET_TAG_SYSTEM = 'urn:aloe:suggestion-set';
/** Tag system on a resource a newer analysis replaced: code the set id that superseded it. */
export const SUPERSEDED_BY_TAG_SYSTEM = 'urn:aloe:superseded-by';
/** Identifier system of the Device describing a model: the GGUF file's SHA-256. */
export const MODEL_IDENTIFIER_SYSTEM = 'urn:aloe:model-sha256';
/** Identifier system of the Device describing the clinical-knowledge rules: value the rules' version. */
export const KNOWLEDGE_RULES_IDENTIFIER_SYSTEM = 'urn:aloe:knowledge-rules';
/** Tag system telling a set's Provenances apart: `<setId>/model` (AI-asserted) or `<setId>/knowledge`. */
export const PROVENANCE_TAG_SYSTEM = 'urn:aloe:provenance';
