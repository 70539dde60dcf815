import { type logCreator, logLevel } from 'kafkajs';
import type { Logger } from 'pino';

const levelNames: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** Bridges KafkaJS's logs into our pino logger, so every line has one shape (STYLE: logging). */
export function createKafkaLogCreator(logger: Logger): logCreator {
  return () =>
    ({ namespace, level, log }) => {
      const { message, timestamp: _timestamp, logger: _name, ...extra } = log;
      const method = levelNames[level] ?? 'info';
      logger[method]({ component: 'kafkajs', namespace, ...extra }, message);
    };
}

/** KafkaJS's level for a pino level name. */
export function toKafkaLogLevel(level: string): logLevel {
  switch (level) {
    case 'trace':
    case 'debug':
      return logLevel.DEBUG;
    case 'info':
      return logLevel.INFO;
    case 'warn':
      return logLevel.WARN;
    default:
      return logLevel.ERROR;
  }
}
