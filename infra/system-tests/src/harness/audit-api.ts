import type { SuggestionSet } from '@aloe/shared/schemas';

/** A decision row as the guardrails' compliance API returns it (the fields the chaos run reads). */
export interface DecisionRecord {
  seq: number;
  kind: 'decision';
  dedupeKey: string;
  patientPseudonym: string;
  payload: { suggestionSet: SuggestionSet };
}

/** The guardrails' compliance API (`/v1/audit/*`), called with a compliance-role token. */
export function auditApi(baseUrl: string, token: string) {
  const get = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
    if (response.status !== 200)
      throw new Error(`GET ${path}: HTTP ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
  return {
    /** Every decision row, a page of 1,000 at a time. */
    async decisions(): Promise<DecisionRecord[]> {
      const all: DecisionRecord[] = [];
      for (let after = 0; ; ) {
        const page = await get<{ records: DecisionRecord[]; next: number | null }>(
          `/v1/audit/records?kind=decision&limit=1000&after=${after}`,
        );
        all.push(...page.records);
        if (page.records.length < 1_000 || page.next === null) return all;
        after = page.next;
      }
    },
    /** One patient's decision rows, searched by pseudonym as a compliance officer would. */
    async decisionsOf(pseudonym: string): Promise<DecisionRecord[]> {
      const page = await get<{ records: DecisionRecord[] }>(
        `/v1/audit/records?kind=decision&limit=1000&patient=${encodeURIComponent(pseudonym)}`,
      );
      return page.records;
    },
    /** The whole chain checked: hashes, signatures, checkpoints. */
    async verify(): Promise<{ ok: boolean; rows?: number; firstBrokenSeq?: number; reason?: string }> {
      const response = await fetch(`${baseUrl}/v1/audit/verify`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
      });
      if (response.status !== 200) throw new Error(`POST /v1/audit/verify: HTTP ${response.status}`);
      return (await response.json()) as { ok: boolean; rows?: number };
    },
  };
}
