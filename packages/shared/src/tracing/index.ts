export { type Span, SpanKind } from '@opentelemetry/api';
export * from './attributes.js';
export * from './propagation.js';
export * from './spans.js';
export * from './start-tracing.js';
export * from './tracing-config.js';
