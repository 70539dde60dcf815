export * from './audit-event.js';
export * from './common.js';
export * from './evidence-of.js';
export * from './feedback.js';
export * from './knowledge-finding.js';
export * from './model-output.js';
export * from './patient-context.js';
export * from './suggestion-set.js';
