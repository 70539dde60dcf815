export * from './bearer-token.js';
export * from './error-handler.js';
export * from './health-routes.js';
