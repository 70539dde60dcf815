export * from './grpc-logger.js';
export * from './kafkajs-log-creator.js';
export * from './logger.js';
