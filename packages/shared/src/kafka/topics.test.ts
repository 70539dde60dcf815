import { describe, expect, it } from '@jest/globals';
import { Topics, topicsWithPrefix } from './topics.js';

describe('topic namespaces', () => {
  it('puts the prefix before every topic and its dead-letter topic, keeping the contract', () => {
    const staging = topicsWithPrefix('staging.');
    expect(staging.patientContext.name).toBe('staging.aloe.patient-context.v1');
    expect(staging.patientContext.deadLetter).toBe('staging.aloe.patient-context.v1.dlq');
    expect(staging.audit.schema).toBe(Topics.audit.schema);
    expect(staging.suggestions.schemaVersion).toBe(Topics.suggestions.schemaVersion);
    expect(Object.keys(staging)).toEqual(Object.keys(Topics));
  });

  it('gives the plain topics for the empty prefix', () => {
    expect(topicsWithPrefix('')).toBe(Topics);
  });
});
