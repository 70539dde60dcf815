// The codes of our FHIR R4 AuditEvents, as IHE Basic Audit Log Patterns (BALP 1.1) uses them
// (https://profiles.ihe.net/ITI/BALP/), with displays as the R4 code systems spell them.
import type { Coding } from '@medplum/fhirtypes';

/** `meta.tag` system whose code is the aloe.audit.v1 event id: the key of the conditional create. */
export const AUDIT_EVENT_TAG_SYSTEM = 'urn:aloe:audit-event';
/** Identifies our services as agents and observers (`urn:aloe:service|fhir-adapter`). */
export const SERVICE_IDENTIFIER_SYSTEM = 'urn:aloe:service';
/** A patient known to us only by pseudonym (CDS Hooks feedback names no patient). */
export const PSEUDONYM_IDENTIFIER_SYSTEM = 'urn:aloe:patient-pseudonym';
/** The model's GGUF SHA-256: the same identifier as the model Device the write-back writes. */
export const MODEL_IDENTIFIER_SYSTEM = 'urn:aloe:model-sha256';
export const SUGGESTION_SET_IDENTIFIER_SYSTEM = 'urn:aloe:suggestion-set';
/** An absolute URI as an identifier value (RFC 3986), for FHIR servers and EHR issuers. */
export const URI_IDENTIFIER_SYSTEM = 'urn:ietf:rfc:3986';

const DCM = 'http://dicom.nema.org/resources/ontology/DCM';
const ISO_21089 = 'http://terminology.hl7.org/CodeSystem/iso-21089-lifecycle';
const PARTICIPATION = 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType';
const OBJECT_ROLE = 'http://terminology.hl7.org/CodeSystem/object-role';
const LIFECYCLE = 'http://terminology.hl7.org/CodeSystem/dicom-audit-lifecycle';
/** Our subtypes where neither FHIR REST nor DICOM has one (the binding is extensible). */
const ALOE_SUBTYPE = 'urn:aloe:audit-event-subtype';

/** AuditEvent.type: BALP's RESTful operation; a DICOM query (IHE's pattern for non-FHIR queries); ISO 21089. */
export const EventType = {
  rest: {
    system: 'http://terminology.hl7.org/CodeSystem/audit-event-type',
    code: 'rest',
    display: 'RESTful Operation',
  },
  query: { system: DCM, code: '110112', display: 'Query' },
  originate: { system: ISO_21089, code: 'originate', display: 'Originate/Retain Record Lifecycle Event' },
  verify: { system: ISO_21089, code: 'verify', display: 'Verify Record Lifecycle Event' },
} as const satisfies Record<string, Coding>;

/** AuditEvent.subtype for a FHIR REST interaction (http://hl7.org/fhir/restful-interaction). */
export const restInteraction = (code: string): Coding => ({
  system: 'http://hl7.org/fhir/restful-interaction',
  code,
  display: code,
});

export const AloeSubtype = {
  cdsHookCall: { system: ALOE_SUBTYPE, code: 'cds-hooks-service-call', display: 'CDS Hooks service call' },
  aiDecision: { system: ALOE_SUBTYPE, code: 'ai-decision', display: 'AI decision with guardrail verdicts' },
  clinicianFeedback: {
    system: ALOE_SUBTYPE,
    code: 'clinician-feedback',
    display: 'Clinician feedback on a suggestion',
  },
} as const satisfies Record<string, Coding>;

/** AuditEvent.agent.type: BALP's client and server (DICOM), the user's part (v3 ParticipationType). */
export const AgentType = {
  client: { system: DCM, code: '110153', display: 'Source Role ID' },
  server: { system: DCM, code: '110152', display: 'Destination Role ID' },
  recipient: { system: PARTICIPATION, code: 'IRCP', display: 'information recipient' },
  author: { system: PARTICIPATION, code: 'AUT', display: 'author (originator)' },
} as const satisfies Record<string, Coding>;

export const EntityType = {
  person: { system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type', code: '1', display: 'Person' },
  systemObject: {
    system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type',
    code: '2',
    display: 'System Object',
  },
  /** BALP's transaction entity: the request's correlation id. */
  transaction: {
    system: 'https://profiles.ihe.net/ITI/BALP/CodeSystem/BasicAuditEntityType',
    code: 'XrequestId',
    display: 'X-Request-Id',
  },
} as const satisfies Record<string, Coding>;

export const EntityRole = {
  patient: { system: OBJECT_ROLE, code: '1', display: 'Patient' },
  report: { system: OBJECT_ROLE, code: '3', display: 'Report' },
  domainResource: { system: OBJECT_ROLE, code: '4', display: 'Domain Resource' },
  query: { system: OBJECT_ROLE, code: '24', display: 'Query' },
} as const satisfies Record<string, Coding>;

export const Lifecycle = {
  origination: { system: LIFECYCLE, code: '1', display: 'Origination / Creation' },
  amendment: { system: LIFECYCLE, code: '3', display: 'Amendment' },
  accessUse: { system: LIFECYCLE, code: '6', display: 'Access / Use' },
} as const satisfies Record<string, Coding>;

export const APPLICATION_SERVER: Coding = {
  system: 'http://terminology.hl7.org/CodeSystem/security-source-type',
  code: '4',
  display: 'Application Server',
};

/** Why it happened: decision support is treatment (v3 PurposeOfUse, the binding of purposeOfEvent). */
export const TREATMENT: Coding = {
  system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason',
  code: 'TREAT',
  display: 'treatment',
};
