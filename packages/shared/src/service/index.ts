export * from './boot-service.js';
export * from './compose-service.js';
