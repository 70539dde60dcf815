import { describe, expect, it } from '@jest/globals';
import { samplePatientContext } from '../../test/fixtures/sample-messages.js';
import { decodeMessage } from './decode-message.js';
import { Header } from './headers.js';
import { Topics } from './topics.js';

const contract = Topics.patientContext;
const encode = (value: unknown) => Buffer.from(JSON.stringify(value));

describe('decodeMessage', () => {
  it('returns the validated value of a good message', () => {
    const context = samplePatientContext();
    const result = decodeMessage(contract, encode(context), { [Header.SchemaVersion]: '1.0' });
    expect(result).toEqual({ ok: true, value: context });
  });

  it('accepts a newer minor version and drops fields it does not know (tolerant reader)', () => {
    const context = samplePatientContext();
    const result = decodeMessage(contract, encode({ ...context, addedInV1_3: true }), {
      [Header.SchemaVersion]: '1.3',
    });
    expect(result).toEqual({ ok: true, value: context });
  });

  it('reads a message without a schema-version header as the current version', () => {
    expect(decodeMessage(contract, encode(samplePatientContext()), {}).ok).toBe(true);
  });

  it.each([
    ['an empty value', null, {}, 'EMPTY_MESSAGE', /no value/],
    [
      'another major version',
      encode({}),
      { [Header.SchemaVersion]: '2.0' },
      'SCHEMA_VERSION_UNSUPPORTED',
      /"2.0".*1\.x/,
    ],
    [
      'a non-JSON content type',
      encode({}),
      { [Header.ContentType]: 'text/plain' },
      'UNSUPPORTED_CONTENT_TYPE',
      /text\/plain/,
    ],
    ['broken JSON', Buffer.from('{"contextId": '), {}, 'MALFORMED_JSON', /Not valid JSON/],
  ])('rejects %s with reason %s', (_what, value, headers, reason, message) => {
    const result = decodeMessage(contract, value, headers);
    expect(result).toMatchObject({ ok: false, reason });
    expect(result.ok ? '' : result.message).toMatch(message);
  });

  it('names the failing paths of a schema violation, never the values', () => {
    const context = samplePatientContext();
    const secretish = 'Zyxwanda Canarytest';
    const bad = {
      ...context,
      patient: { ...context.patient, pseudonym: secretish },
      items: [{ ...context.items[0], ref: secretish }],
    };
    const result = decodeMessage(contract, encode(bad), {});
    expect(result.ok).toBe(false);
    const message = result.ok ? '' : result.message;
    expect(message).toContain('patient.pseudonym: must be a pseudonym');
    expect(message).toContain('items[0].ref: must be a relative FHIR reference');
    expect(message).not.toContain(secretish);
  });
});
