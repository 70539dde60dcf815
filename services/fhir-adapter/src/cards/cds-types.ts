import { FHIR_ID } from '@aloe/shared/schemas';
import { z } from 'zod';

/** CDS Hooks 2.0 request body (https://cds-hooks.hl7.org/2.0/#http-request), as much as we read. */
export const CdsHookRequest = z.object({
  hook: z.string().min(1),
  hookInstance: z.string().min(1).max(100),
  // A placeholder such as "{{fhirServerUrl}}" is ignored: we read from the EHR we are configured for.
  fhirServer: z.string().optional(),
  fhirAuthorization: z
    .object({
      access_token: z.string().min(1),
      token_type: z.string(),
      expires_in: z.number().optional(),
      scope: z.string().optional(),
      subject: z.string().optional(),
      patient: z.string().optional(),
    })
    .optional(),
  context: z
    .object({
      userId: z.string().optional(),
      // Tolerant: the CDC opioid CDS requests write `Patient/<id>`.
      patientId: z
        .string()
        .transform((id) => id.replace(/^(?:.*\/)?Patient\//, ''))
        .pipe(z.string().regex(FHIR_ID, 'must be a FHIR id (or Patient/<id>)')),
      encounterId: z.string().optional(),
      selections: z.array(z.string()).optional(),
      draftOrders: z.unknown().optional(),
    })
    .passthrough(),
  prefetch: z.record(z.string(), z.unknown().nullable()).optional(),
});
export type CdsHookRequest = z.infer<typeof CdsHookRequest>;

/** CDS Hooks 2.0 feedback body. */
export const CdsFeedbackRequest = z.object({
  feedback: z
    .array(
      z.object({
        card: z.string().min(1).max(100),
        outcome: z.enum(['accepted', 'overridden']),
        outcomeTimestamp: z.iso.datetime({ offset: true }),
        acceptedSuggestions: z.array(z.object({ id: z.string() })).optional(),
        overrideReason: z
          .object({
            reason: z
              .object({
                code: z.string().optional(),
                system: z.string().optional(),
                display: z.string().optional(),
              })
              .optional(),
            userComment: z.string().optional(),
          })
          .optional(),
      }),
    )
    .min(1),
});
export type CdsFeedbackRequest = z.infer<typeof CdsFeedbackRequest>;

export interface CdsLink {
  label: string;
  url: string;
  type: 'absolute' | 'smart';
  appContext?: string;
}

/** CDS Hooks 2.0 Action (https://cds-hooks.hl7.org/2.0/#action). */
export interface CdsAction {
  type: 'create' | 'update' | 'delete';
  description: string;
  /** create / update: the FHIR resource. */
  resource?: Record<string, unknown>;
  /** delete: the references of the resources to remove. */
  resourceId?: string[];
}

/** CDS Hooks 2.0 Suggestion. */
export interface CdsSuggestion {
  label: string;
  uuid: string;
  isRecommended?: boolean;
  actions: CdsAction[];
}

/** CDS Hooks 2.0 Card (https://cds-hooks.hl7.org/2.0/#card-attributes). */
export interface CdsCard {
  uuid: string;
  summary: string;
  detail?: string;
  indicator: 'info' | 'warning' | 'critical';
  source: { label: string; url?: string; topic?: { system?: string; code: string; display?: string } };
  suggestions?: CdsSuggestion[];
  /** Required when there are suggestions. */
  selectionBehavior?: 'at-most-one' | 'any';
  overrideReasons?: Array<{ system: string; code: string; display: string }>;
  links?: CdsLink[];
}
