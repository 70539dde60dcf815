export * from './create-kafka.js';
export * from './dead-letter.js';
export * from './decode-message.js';
export * from './ensure-topics.js';
export * from './headers.js';
export * from './produce.js';
export * from './run-consumer.js';
export * from './topics.js';
