export * from './app-error.js';
export * from './to-grpc-status.js';
export * from './to-operation-outcome.js';
