import type { Bundle } from '@medplum/fhirtypes';

const DEFAULT_COUNT = 20;

/**
 * Adds the paging links of a searchset (FHIR R4 §3.1.1.3.4: self, next, previous) that Medplum's
 * in-memory repository leaves out, using `_offset`, so clients can follow `next` as with a real EHR.
 * Pure: `url` is the full request URL.
 */
export function withSearchLinks(bundle: Bundle, url: URL): Bundle {
  if (bundle.type !== 'searchset' || bundle.total === undefined) return bundle;
  const count = Number(url.searchParams.get('_count') ?? DEFAULT_COUNT);
  const offset = Number(url.searchParams.get('_offset') ?? 0);
  const page = (newOffset: number) => {
    const next = new URL(url);
    next.searchParams.set('_offset', String(newOffset));
    next.searchParams.set('_count', String(count));
    return next.toString();
  };
  const link: NonNullable<Bundle['link']> = [{ relation: 'self', url: url.toString() }];
  if (count > 0 && offset + count < bundle.total) link.push({ relation: 'next', url: page(offset + count) });
  if (offset > 0) link.push({ relation: 'previous', url: page(Math.max(0, offset - count)) });
  return { ...bundle, link };
}
