import { createHmac } from 'node:crypto';

/**
 * A patient's pseudonym: HMAC-SHA256 over the EHR base URL and the patient id, keyed by a secret the
 * adapter alone holds, in base64url (43 characters). Stable for one patient in one EHR, so Kafka keeps
 * a patient's messages in order and the audit log can be searched by it; useless without the key.
 */
export function pseudonymize(key: string, fhirBase: string, patientId: string): string {
  return createHmac('sha256', key)
    .update(`${fhirBase.replace(/\/+$/, '')}|Patient/${patientId}`)
    .digest('base64url');
}
