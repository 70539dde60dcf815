import type { AuditEvent, Bundle, Communication, DetectedIssue } from '@medplum/fhirtypes';
import type { SyntheticPatient } from './synthetic-patients.js';
import { pause } from './until.js';

const FHIR_JSON = { 'content-type': 'application/fhir+json', accept: 'application/fhir+json' };
/** The tag every write-back resource carries: `urn:aloe:suggestion-set|<set id>` (fhir-adapter write-back). */
export const SUGGESTION_SET_TAG_SYSTEM = 'urn:aloe:suggestion-set';
const SUGGESTION_IDENTIFIER_SYSTEM = 'urn:aloe:suggestion';

/** Loads the patients into the EHR over its FHIR API, a transaction each, a few at a time. */
export async function seedPatients(fhirBase: string, patients: SyntheticPatient[], concurrency = 4) {
  const queue = [...patients];
  const worker = async () => {
    for (let patient = queue.shift(); patient; patient = queue.shift()) {
      const response = await fetch(fhirBase, {
        method: 'POST',
        headers: FHIR_JSON,
        body: JSON.stringify(patient.bundle),
      });
      if (response.status !== 200)
        throw new Error(`seeding ${patient.id}: HTTP ${response.status} ${await response.text()}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** Every page of a FHIR search (following `next` links). */
async function searchAll<T>(url: string): Promise<T[]> {
  const found: T[] = [];
  for (let next: string | undefined = url; next; ) {
    const response = await fetch(next, { headers: FHIR_JSON });
    if (response.status !== 200) throw new Error(`GET ${next}: HTTP ${response.status}`);
    const bundle = (await response.json()) as Bundle;
    found.push(...(bundle.entry ?? []).map((entry) => entry.resource as T));
    next = bundle.link?.find((link) => link.relation === 'next')?.url;
  }
  return found;
}

export interface WrittenSuggestion {
  resourceType: 'DetectedIssue' | 'Communication';
  id: string;
  patientRef: string;
  setId: string;
  /** The suggestion identifier (set and suggestion): two resources with one are a duplicate write. */
  identifier: string;
  status: string;
}

/** What Aloe wrote into the EHR: each DetectedIssue and Communication carrying a suggestion-set tag. */
export async function writtenSuggestions(fhirBase: string): Promise<WrittenSuggestion[]> {
  const tagged = `_tag=${encodeURIComponent(`${SUGGESTION_SET_TAG_SYSTEM}|`)}&_count=500`;
  const [issues, communications] = await Promise.all([
    searchAll<DetectedIssue>(`${fhirBase}/DetectedIssue?${tagged}`),
    searchAll<Communication>(`${fhirBase}/Communication?${tagged}`),
  ]);
  return [...issues, ...communications].map((resource) => ({
    resourceType: resource.resourceType,
    id: resource.id!,
    patientRef:
      (resource.resourceType === 'DetectedIssue' ? resource.patient : resource.subject)?.reference ?? '',
    setId: resource.meta?.tag?.find((tag) => tag.system === SUGGESTION_SET_TAG_SYSTEM)?.code ?? '',
    identifier:
      resource.identifier?.find((identifier) => identifier.system === SUGGESTION_IDENTIFIER_SYSTEM)?.value ??
      '',
    status: resource.status ?? '',
  }));
}

/**
 * What the EHR's FHIR AuditEvents (the adapter writes one per event of the audit topic) account for:
 * the resources written (`DetectedIssue/…`, entities of the write events, action C or U) and the
 * suggestion sets decided (entities of the ai-decision events).
 */
export async function auditedInEhr(
  fhirBase: string,
): Promise<{ writes: Set<string>; decisions: Set<string> }> {
  const events = await searchAll<AuditEvent>(`${fhirBase}/AuditEvent?_count=500`);
  const writes = new Set<string>();
  const decisions = new Set<string>();
  for (const event of events) {
    const isDecision = event.subtype?.some((coding) => coding.code === 'ai-decision');
    for (const entity of event.entity ?? []) {
      if (isDecision && entity.what?.identifier?.system === SUGGESTION_SET_TAG_SYSTEM)
        decisions.add(entity.what.identifier.value ?? '');
      if (!isDecision && (event.action === 'C' || event.action === 'U') && entity.what?.reference)
        writes.add(entity.what.reference);
    }
  }
  return { writes, decisions };
}

export interface AnalyzeOutcome {
  patientId: string;
  contextId: string;
  /** Calls made: more than 1 when the adapter was down or failing and the EHR called again. */
  attempts: number;
}

/**
 * Asks the adapter to analyse a patient as an EHR integration would: `POST /api/v1/patients/:id/analyze`,
 * called again (after a short pause) while the adapter does not answer or answers 5xx, until it
 * accepts (202) or `deadline`. A 4xx is the caller's fault and fails at once.
 */
export async function requestAnalysis(
  adapterUrl: string,
  apiToken: string,
  patientId: string,
  options: { deadline: number; signal: AbortSignal },
): Promise<AnalyzeOutcome> {
  const { deadline, signal } = options;
  let lastProblem = '';
  for (let attempts = 1; Date.now() < deadline; attempts++) {
    try {
      const response = await fetch(`${adapterUrl}/api/v1/patients/${patientId}/analyze`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiToken}` },
        signal: AbortSignal.timeout(15_000),
      });
      if (response.status === 202) {
        const { contextId } = (await response.json()) as { contextId: string };
        return { patientId, contextId, attempts };
      }
      lastProblem = `HTTP ${response.status} ${(await response.text()).slice(0, 300)}`;
      if (response.status < 500) throw new Error(`analyze ${patientId}: ${lastProblem}`);
    } catch (error) {
      if ((error as Error).message.startsWith(`analyze ${patientId}`)) throw error;
      lastProblem = (error as Error).message; // refused, reset or timed out: the adapter is down
    }
    await pause(signal, 250);
  }
  throw new Error(`analyze ${patientId}: not accepted before the deadline (last: ${lastProblem})`);
}
