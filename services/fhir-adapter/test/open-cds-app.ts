import { createLogger } from '@aloe/shared/logging';
import type { Feedback } from '@aloe/shared/schemas';
import type { Express } from 'express';
import { createApp } from '../src/app.js';
import type { CardStore } from '../src/cards/card-store.js';
import { chartDeps } from './chart-deps.js';

/**
 * The adapter's app with EHR JWT checks off (development mode), every patient mapped to `pseudonym`,
 * charts read from the prefetch alone, analyses accepted and dropped: for tests about what the cards
 * say, not about who may ask.
 */
export function openCdsApp(options: {
  cards: CardStore;
  pseudonym: string;
  sidebarLaunchUrl?: string;
  publishFeedback?: (feedback: Feedback[]) => Promise<void>;
}): Express {
  return createApp({
    publicBaseUrl: 'https://aloe.hospital.example',
    verifyEhrJwt: undefined,
    allowUnauthenticated: true,
    fhirServers: [],
    cards: options.cards,
    sidebarLaunchUrl: options.sidebarLaunchUrl,
    pseudonymOf: () => options.pseudonym,
    ...chartDeps(),
    requestAnalysis: async () => ({ contextId: 'x' }),
    publishFeedback: options.publishFeedback ?? (async () => undefined),
    apiToken: undefined,
    logger: createLogger({ service: 'cds-test', level: 'silent' }),
    newId: () => crypto.randomUUID(),
    ready: async () => true,
  });
}
