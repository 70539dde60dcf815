import { z } from 'zod';

/** CDS Hooks 2.0 request body (https://cds-hooks.hl7.org/2.0/#http-request), as much as we read. */
export const CdsHookRequest = z.object({
  hook: z.string().min(1),
  hookInstance: z.string().min(1).max(100),
  fhirServer: z.url().optional(),
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
      patientId: z.string().regex(/^[A-Za-z0-9\-.]{1,64}$/, 'must be a FHIR id'),
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

/** CDS Hooks 2.0 Card (https://cds-hooks.hl7.org/2.0/#card-attributes). */
export interface CdsCard {
  uuid: string;
  summary: string;
  detail?: string;
  indicator: 'info' | 'warning' | 'critical';
  source: { label: string; url?: string; topic?: { system?: string; code: string; display?: string } };
  overrideReasons?: Array<{ system: string; code: string; display: string }>;
  links?: CdsLink[];
}
