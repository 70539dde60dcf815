export * from './error-handler.js';
