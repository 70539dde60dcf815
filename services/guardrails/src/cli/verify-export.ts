// Offline check of an audit export (NDJSON or CSV, from GET /v1/audit/export):
//   npm run verify-export -w @aloe/guardrails -- audit.ndjson --public-key audit-key.pem
// Exit 0 when it verifies, 1 naming what is wrong (a reason code and the first broken row), 2 on misuse.
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { checkExport } from '../audit/check-export.js';
import { parseExport } from '../audit/export-format.js';
import { createKeyring, parsePublicKey } from '../audit/signing.js';

const USAGE = `usage: verify-export <export.ndjson|export.csv> --public-key <key.pem | base64 SPKI> [--public-key …]
Checks an audit export against the service's Ed25519 public key (GET /v1/audit/public-key): the seal,
the signed checkpoint and anchor, and the rows' hashes; a full export's whole chain. Give a key of
each signing key the log has used (after a rotation, the earlier ones too).`;

function fail(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

const args = (() => {
  try {
    return parseArgs({
      allowPositionals: true,
      options: { 'public-key': { type: 'string', multiple: true }, help: { type: 'boolean' } },
    });
  } catch (error) {
    return fail((error as Error).message);
  }
})();
if (args.values.help) {
  console.log(USAGE);
  process.exit(0);
}
const [path] = args.positionals;
if (!path) fail('verify-export: name the export file');
const keyTexts = args.values['public-key'] ?? [];
if (keyTexts.length === 0)
  fail('verify-export: --public-key is required: without it anyone could have re-signed the file');
const keys = keyTexts.map((text) => {
  try {
    return parsePublicKey(existsSync(text) ? readFileSync(text, 'utf8') : text);
  } catch (error) {
    return fail(`verify-export: --public-key ${text.slice(0, 40)}: ${(error as Error).message}`);
  }
});

let file: ReturnType<typeof parseExport>;
try {
  file = parseExport(readFileSync(path, 'utf8'));
} catch (error) {
  console.log(`export UNREADABLE: ${(error as Error).message}`);
  process.exit(1);
}
const verdict = await checkExport(file, createKeyring(keys));
if (verdict.ok) {
  const scope = verdict.filtered ? 'filtered export intact' : 'chain intact';
  const checkpoint = verdict.checkpoint
    ? `checkpoint seq ${verdict.checkpoint.seq} signed at ${verdict.checkpoint.signedAt}`
    : 'empty log';
  console.log(
    `${scope}: ${verdict.rows} rows, last seq ${verdict.lastSeq}; sealed at ${verdict.exportedAt} by key ${verdict.keyId}; ${checkpoint} (${file.format})`,
  );
  process.exit(0);
}
const where =
  verdict.firstBrokenSeq === null ? 'export BROKEN' : `chain BROKEN at seq ${verdict.firstBrokenSeq}`;
console.log(`${where} [${verdict.code}]: ${verdict.reason} (checked ${verdict.rows} rows)`);
process.exit(1);
