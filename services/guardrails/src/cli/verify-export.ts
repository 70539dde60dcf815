// Offline check of an audit export: `npm run verify-export -w @aloe/guardrails -- audit.ndjson`
// (an NDJSON export from GET /v1/audit/export). Exit 0 when the chain holds, 1 naming the first broken row.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { type StoredRow, verifyChain } from '../audit/hash-chain.js';

const path = process.argv[2];
if (!path || path === '--help') {
  console.log(
    'usage: verify-export <export.ndjson> [--anchor-seq N --anchor-hash H]\nRecomputes the hash chain of an audit export.',
  );
  process.exit(path ? 0 : 2);
}
const anchorSeq = process.argv.indexOf('--anchor-seq');
const anchorHash = process.argv.indexOf('--anchor-hash');
const rows: StoredRow[] = [];
for await (const line of createInterface({ input: createReadStream(path) })) {
  if (line.trim()) rows.push(JSON.parse(line) as StoredRow);
}
const first = rows[0];
// An export that starts after seq 1 (a filtered or purged log) is checked from its first row's prev_hash.
const anchor =
  anchorSeq > 0 && anchorHash > 0
    ? { seq: Number(process.argv[anchorSeq + 1]), hash: String(process.argv[anchorHash + 1]) }
    : first && first.seq > 1
      ? { seq: first.seq - 1, hash: first.prevHash }
      : undefined;
const verdict = verifyChain(rows, anchor);
if (verdict.ok) {
  console.log(
    `chain intact: ${verdict.rows} rows, last seq ${verdict.lastSeq}, last hash ${verdict.lastHash}`,
  );
  process.exit(0);
}
console.log(
  `chain BROKEN at seq ${verdict.firstBrokenSeq}: ${verdict.reason} (checked ${verdict.rows} rows)`,
);
process.exit(1);
