import { describe, expect, it } from '@jest/globals';
import type { Bundle } from '@medplum/fhirtypes';
import { withSearchLinks } from './search-links.js';

const searchset = (total: number): Bundle => ({
  resourceType: 'Bundle',
  type: 'searchset',
  total,
  entry: [],
});

describe('withSearchLinks', () => {
  it('links the next page while results remain, and the previous one after the first', () => {
    const middle = withSearchLinks(
      searchset(7),
      new URL('http://ehr/fhir/R4/Condition?patient=Patient/1&_count=3&_offset=3'),
    );
    expect(middle.link).toEqual([
      { relation: 'self', url: 'http://ehr/fhir/R4/Condition?patient=Patient/1&_count=3&_offset=3' },
      { relation: 'next', url: 'http://ehr/fhir/R4/Condition?patient=Patient%2F1&_count=3&_offset=6' },
      { relation: 'previous', url: 'http://ehr/fhir/R4/Condition?patient=Patient%2F1&_count=3&_offset=0' },
    ]);
  });

  it('has no next link on the last page, and leaves other bundles alone', () => {
    const last = withSearchLinks(searchset(7), new URL('http://ehr/fhir/R4/Condition?_count=3&_offset=6'));
    expect(last.link?.map((link) => link.relation)).toEqual(['self', 'previous']);
    const transaction: Bundle = { resourceType: 'Bundle', type: 'transaction-response' };
    expect(withSearchLinks(transaction, new URL('http://ehr/fhir/R4/'))).toBe(transaction);
  });
});
