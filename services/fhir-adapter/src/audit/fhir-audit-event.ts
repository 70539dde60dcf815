import type { AuditEvent } from '@aloe/shared/schemas';
import type {
  AuditEventAgent,
  AuditEventEntity,
  Coding,
  Device,
  AuditEvent as FhirAuditEvent,
  Reference,
} from '@medplum/fhirtypes';
import {
  AgentType,
  AloeSubtype,
  APPLICATION_SERVER,
  AUDIT_EVENT_TAG_SYSTEM,
  EntityRole,
  EntityType,
  EventType,
  Lifecycle,
  MODEL_IDENTIFIER_SYSTEM,
  PSEUDONYM_IDENTIFIER_SYSTEM,
  restInteraction,
  SERVICE_IDENTIFIER_SYSTEM,
  SUGGESTION_SET_IDENTIFIER_SYSTEM,
  TREATMENT,
  URI_IDENTIFIER_SYSTEM,
} from './audit-codes.js';

/**
 * One event of aloe.audit.v1 as a FHIR R4 AuditEvent in the shape IHE BALP gives its kind (pure):
 * - `fhir-read`: BALP PatientQuery/PatientRead: type `rest`, subtype `search-type` + `read`, action E;
 *   the adapter as client (DCM 110153), the EHR as server (DCM 110152), the clinician when known
 *   (IRCP); entities: the patient (1/Patient) and each resource read (4/Domain Resource, Access / Use).
 * - `fhir-write`: BALP PatientCreate/PatientUpdate: subtype `create`/`update`, action C or U; the
 *   clinician as author when the write is their acceptance; entities: each resource written.
 * - `cds-hook-call`: IHE's pattern for a non-FHIR query (DCM 110112 Query, action E, as ATNA audits
 *   ITI-18): the EHR as client, the adapter as server, the clinician as recipient; a query entity
 *   (24/Query) holding the request line, never the body.
 * - `ai-decision`: ISO 21089 `originate` (a new record: the decision), action C; the guardrails as
 *   client, the model (its GGUF SHA-256, as on the write-back's Device) as server; entities: the
 *   suggestion set (3/Report, Origination) and each resource it cites (Access / Use).
 * - `feedback-received`: ISO 21089 `verify`, action E; the clinician as author when known.
 * Every event: the patient by reference (or by pseudonym when that is all the event knows), the
 * correlation id as BALP's transaction entity carrying the event's PHI-free facts, the recording
 * service as `source.observer`, and `meta.tag` `urn:aloe:audit-event|<eventId>` (the idempotency key).
 */
export function buildFhirAuditEvent(event: AuditEvent): FhirAuditEvent {
  const shape = SHAPES[event.action](event);
  return {
    resourceType: 'AuditEvent',
    meta: { tag: [{ system: AUDIT_EVENT_TAG_SYSTEM, code: event.eventId }] },
    type: shape.type,
    subtype: shape.subtype,
    action: shape.action,
    recorded: event.recordedAt,
    // R4 audit-event-outcome: 0 success, 8 serious failure (the action was not done).
    outcome: event.outcome === 'success' ? '0' : '8',
    ...(event.outcome === 'failure' ? { outcomeDesc: failureOf(event) } : {}),
    purposeOfEvent: [{ coding: [TREATMENT] }],
    agent: shape.agents,
    source: {
      site: 'Aloe',
      observer: serviceWho(event.source),
      type: [APPLICATION_SERVER],
    },
    entity: [...patientEntity(event), ...shape.entities, ...transactionEntity(event)],
  };
}

interface Shape {
  type: Coding;
  subtype: Coding[];
  action: NonNullable<FhirAuditEvent['action']>;
  agents: AuditEventAgent[];
  entities: AuditEventEntity[];
}

const SHAPES: Record<AuditEvent['action'], (event: AuditEvent) => Shape> = {
  'fhir-read': (event) => {
    const interactions = event.interactions ?? ['read', 'search-type'];
    return {
      type: EventType.rest,
      subtype: interactions.map(restInteraction),
      action: interactions.every((interaction) => interaction === 'read') ? 'R' : 'E',
      agents: restAgents(event, AgentType.recipient),
      entities: resourceEntities(event, Lifecycle.accessUse),
    };
  },
  'fhir-write': (event) => {
    const interactions = event.interactions ?? ['create'];
    const creates = interactions.includes('create');
    const updates = interactions.includes('update');
    return {
      type: EventType.rest,
      subtype: interactions.map(restInteraction),
      action: creates ? 'C' : 'U',
      agents: restAgents(event, AgentType.author),
      entities: resourceEntities(
        event,
        creates && !updates ? Lifecycle.origination : updates && !creates ? Lifecycle.amendment : undefined,
      ),
    };
  },
  'cds-hook-call': (event) => {
    const service = text(event.detail.service) ?? 'unknown';
    const hook = text(event.detail.hook);
    return {
      type: EventType.query,
      subtype: [AloeSubtype.cdsHookCall],
      action: 'E',
      agents: [
        {
          type: { coding: [AgentType.client] },
          who: ehrWho(event.client ?? event.fhirBase, 'EHR (CDS Client)'),
          requestor: !event.userRef,
          ...network(event.fhirBase),
        },
        { type: { coding: [AgentType.server] }, who: serviceWho('fhir-adapter'), requestor: false },
        ...userAgent(event, AgentType.recipient),
      ],
      entities: [
        {
          type: EntityType.systemObject,
          role: EntityRole.query,
          description: `CDS Hooks ${hook ?? 'call'} to the service ${service}`,
          // BALP keeps the raw request here; the body holds the chart, so only its request line.
          query: Buffer.from(`POST /cds-services/${service}`, 'utf8').toString('base64'),
        },
      ],
    };
  },
  'ai-decision': (event) => {
    const modelId = text(event.detail.modelId) ?? 'unknown model';
    const sha256 = text(event.detail.modelSha256);
    const setId = text(event.detail.setId);
    return {
      type: EventType.originate,
      subtype: [AloeSubtype.aiDecision],
      action: 'C',
      agents: [
        {
          type: { coding: [AgentType.client] },
          who: serviceWho(event.source),
          requestor: !event.userRef,
        },
        {
          type: { coding: [AgentType.server] },
          who: modelWho(modelId, sha256),
          requestor: false,
        },
        ...userAgent(event, AgentType.recipient),
      ],
      entities: [
        ...(setId
          ? [
              {
                what: { identifier: { system: SUGGESTION_SET_IDENTIFIER_SYSTEM, value: setId } },
                type: EntityType.systemObject,
                role: EntityRole.report,
                lifecycle: Lifecycle.origination,
                description: 'The suggestion set decided, with its guardrail verdicts',
              },
            ]
          : []),
        ...resourceEntities(event, Lifecycle.accessUse),
      ],
    };
  },
  'feedback-received': (event) => {
    const setId = text(event.detail.setId);
    return {
      type: EventType.verify,
      subtype: [AloeSubtype.clinicianFeedback],
      action: 'E',
      agents: [
        ...userAgent(event, AgentType.author),
        // The clinician answered through the EHR (CDS Hooks) or the sidebar page; the adapter received it.
        { type: { coding: [AgentType.server] }, who: serviceWho('fhir-adapter'), requestor: !event.userRef },
      ],
      entities: setId
        ? [
            {
              what: { identifier: { system: SUGGESTION_SET_IDENTIFIER_SYSTEM, value: setId } },
              type: EntityType.systemObject,
              role: EntityRole.report,
              description: `A clinician's answer to suggestion ${text(event.detail.suggestionId) ?? '(unknown)'}`,
            },
          ]
        : [],
    };
  },
};

/** BALP's RESTful agents: the adapter as client, the EHR as server, the clinician when known. */
function restAgents(event: AuditEvent, userType: Coding): AuditEventAgent[] {
  return [
    { type: { coding: [AgentType.client] }, who: serviceWho(event.source), requestor: !event.userRef },
    {
      type: { coding: [AgentType.server] },
      who: ehrWho(event.fhirBase, 'EHR FHIR server'),
      requestor: false,
      ...network(event.fhirBase),
    },
    ...userAgent(event, userType),
  ];
}

function userAgent(event: AuditEvent, type: Coding): AuditEventAgent[] {
  return event.userRef
    ? [{ type: { coding: [type] }, who: { reference: event.userRef }, requestor: true }]
    : [];
}

/** BALP entity[patient]: type 1/Person, role 1/Patient, the patient by reference. */
function patientEntity(event: AuditEvent): AuditEventEntity[] {
  const what: Reference | undefined = event.patientRef
    ? { reference: event.patientRef }
    : event.patientPseudonym
      ? { identifier: { system: PSEUDONYM_IDENTIFIER_SYSTEM, value: event.patientPseudonym } }
      : undefined;
  return what ? [{ what, type: EntityType.person, role: EntityRole.patient }] : [];
}

/** The resources read, written or cited (the patient has its own entity). */
function resourceEntities(event: AuditEvent, lifecycle: Coding | undefined): AuditEventEntity[] {
  return [...new Set(event.resourceRefs)]
    .filter((reference) => reference !== event.patientRef)
    .map((reference) => ({
      what: { reference },
      type: EntityType.systemObject,
      role: EntityRole.domainResource,
      ...(lifecycle ? { lifecycle } : {}),
    }));
}

/** BALP entity[transaction]: the correlation id, with the event's PHI-free facts. */
function transactionEntity(event: AuditEvent): AuditEventEntity[] {
  // FHIR strings are never empty: a fact without a value is left out.
  const facts = Object.entries(event.detail)
    .map(([type, value]) => ({ type, valueString: String(value) }))
    .filter((fact) => fact.type.trim() !== '' && fact.valueString.trim() !== '');
  return [
    {
      what: { identifier: { value: event.correlationId ?? event.eventId } },
      type: EntityType.transaction,
      ...(facts.length > 0 ? { detail: facts } : {}),
    },
  ];
}

function failureOf(event: AuditEvent): string {
  const code = text(event.detail.code) ?? text(event.detail.error);
  return code ? `Failed: ${code}` : 'Failed';
}

const text = (value: string | number | boolean | undefined) =>
  value === undefined || value === '' ? undefined : String(value);

function serviceWho(name: string): Reference<Device> {
  return { identifier: { system: SERVICE_IDENTIFIER_SYSTEM, value: name }, display: `Aloe ${name}` };
}

function ehrWho(uri: string | undefined, display: string): Reference<Device> {
  return uri ? { identifier: { system: URI_IDENTIFIER_SYSTEM, value: uri }, display } : { display };
}

/** The model, known to the EHR by the identifier of the Device the write-back writes for it. */
function modelWho(modelId: string, sha256: string | undefined): Reference<Device> {
  return sha256
    ? { identifier: { system: MODEL_IDENTIFIER_SYSTEM, value: sha256 }, display: modelId }
    : { display: modelId };
}

/** R4 network type 5: a URI. */
function network(uri: string | undefined): Pick<AuditEventAgent, 'network'> {
  return uri ? { network: { address: uri, type: '5' } } : {};
}
