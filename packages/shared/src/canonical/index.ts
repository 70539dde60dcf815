export * from './canonical-json.js';
export * from './deterministic-uuid.js';
