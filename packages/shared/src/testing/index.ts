export * from './browser.js';
export * from './kafka.js';
export * from './otlp-receiver.js';
export * from './service-process.js';
export * from './tls-certificates.js';
export * from './unique-name.js';
export * from './wait-for.js';
