export * from './env.js';
export * from './fhir-adapter.js';
export * from './guardrails.js';
export * from './inference.js';
export * from './load-config.js';
export * from './tls-files.js';
