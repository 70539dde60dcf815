import { Writable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { createLogger } from './logger.js';

function captureLogger() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: createLogger({ service: 'test', level: 'debug', destination }), lines };
}

// A canary: made-up identifiers that must never appear in a log line.
const CANARY = {
  name: 'Zyxwanda Canarytest',
  birthDate: '1950-01-31',
  mrn: 'MRN-CANARY-0042',
  phone: '+1-555-0100-CANARY',
  note: 'Canary note: patient reports chest pain',
};

describe('createLogger', () => {
  it('writes one JSON line with the service, level and message', () => {
    const { logger, lines } = captureLogger();
    logger.child({ component: 'kafka-consumer' }).info({ count: 3 }, 'processed');
    const line = JSON.parse(lines[0] ?? '{}');
    expect(line).toMatchObject({
      service: 'test',
      level: 'info',
      component: 'kafka-consumer',
      count: 3,
      msg: 'processed',
    });
  });

  it('redacts PHI fields wherever a careless caller puts them', () => {
    const { logger, lines } = captureLogger();
    logger.info({ name: CANARY.name, mrn: CANARY.mrn }, 'top level');
    logger.info({ patient: { name: CANARY.name, birthDate: CANARY.birthDate } }, 'nested');
    logger.info({ context: { telecom: [{ value: CANARY.phone }], note: CANARY.note } }, 'deeper');
    logger.info({ request: { body: { prompt: CANARY.note } } }, 'three levels');
    logger.warn({ items: [{ text: CANARY.note }] }, 'items');
    const output = lines.join('');
    for (const value of Object.values(CANARY)) expect(output).not.toContain(value);
    expect(output).toContain('[REDACTED]');
    expect(lines).toHaveLength(5);
  });

  it('keeps the fields we are meant to log: ids, pseudonyms, counts and rule ids', () => {
    const { logger, lines } = captureLogger();
    logger.info(
      { contextId: 'c-1', patientPseudonym: 'pt_abc', ruleId: 'output.allergy', durationMs: 12 },
      'decided',
    );
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({
      contextId: 'c-1',
      patientPseudonym: 'pt_abc',
      ruleId: 'output.allergy',
      durationMs: 12,
    });
  });
});
