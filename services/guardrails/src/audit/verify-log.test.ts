import { describe, expect, it } from '@jest/globals';
import { newSigner, rehashFrom, signedChain, signPoint } from '../../test/audit-chain.js';
import { computeRowHash } from './hash-chain.js';
import { createKeyring } from './signing.js';
import { chainStart, firstSeqOf, type Point, type VerifiableRow, verifyAuditLog } from './verify-log.js';

const signer = newSigner();
const keyring = createKeyring([signer.publicKey]);
const intruder = newSigner();

/** Verifies `rows` as the store does: from the anchor (or genesis), against `checkpoint`. */
function verify(rows: VerifiableRow[], options: { anchor?: Point; checkpoint?: Point } = {}) {
  const anchor = options.anchor ?? null;
  const checkpoint = options.checkpoint ?? null;
  return verifyAuditLog({
    rows,
    start: chainStart(anchor, checkpoint, false),
    anchor,
    checkpoint,
    keyring,
    requireRowSignatures: true,
  });
}

describe('verifyAuditLog', () => {
  const rows = signedChain(signer, 6);
  const checkpoint = signPoint(signer, rows[3]!); // covers rows 1…4; 5 and 6 rely on their own signatures

  it('accepts an intact chain and says what it checked it against', async () => {
    expect(await verify(rows, { checkpoint })).toEqual({
      ok: true,
      rows: 6,
      lastSeq: 6,
      lastHash: rows[5]!.rowHash,
      anchor: null,
      checkpoint,
      rowsAfterCheckpoint: 2,
    });
  });

  it('names a row whose content was altered', async () => {
    const tampered = rows.map((row) => (row.seq === 3 ? { ...row, verdict: 'block' } : row));
    expect(await verify(tampered, { checkpoint })).toMatchObject({
      ok: false,
      code: 'row-hash-mismatch',
      firstBrokenSeq: 3,
    });
  });

  it('names a gap in the middle', async () => {
    expect(await verify([...rows.slice(0, 2), ...rows.slice(3)], { checkpoint })).toMatchObject({
      code: 'rows-missing',
      firstBrokenSeq: 4,
      reason: 'rows 3…3 are missing',
    });
  });

  it('names a row replaced by one with its own consistent hash (the next row no longer links)', async () => {
    const forged = { ...rows[2]!, payload: { forged: true } };
    const { prevHash: _p, rowHash: _r, signature: _s, ...content } = forged;
    forged.rowHash = computeRowHash(forged.prevHash, content);
    expect(await verify([...rows.slice(0, 2), forged, ...rows.slice(3)], { checkpoint })).toMatchObject({
      code: 'prev-hash-mismatch',
      firstBrokenSeq: 4,
    });
  });

  it('names oldest rows deleted without an anchor', async () => {
    expect(await verify(rows.slice(2), { checkpoint })).toMatchObject({
      code: 'head-deleted',
      firstBrokenSeq: 3,
      reason: 'rows 1…2 are gone and no signed purge anchor accounts for them',
    });
  });

  it('accepts oldest rows purged under a signed anchor, and names more deleted after it', async () => {
    const anchor = signPoint(signer, rows[1]!, 'aloe.audit.anchor.v1');
    expect(await verify(rows.slice(2), { anchor, checkpoint })).toMatchObject({ ok: true, rows: 4 });
    expect(await verify(rows.slice(3), { anchor, checkpoint })).toMatchObject({
      code: 'head-deleted',
      firstBrokenSeq: 4,
    });
  });

  it('names a fake anchor: unsigned, signed by another key, or a checkpoint signature replayed as one', async () => {
    const { keyId: _k, signature: _s, ...bare } = signPoint(signer, rows[1]!, 'aloe.audit.anchor.v1');
    expect(
      await verify(rows.slice(2), { anchor: { ...bare, keyId: null, signature: null }, checkpoint }),
    ).toMatchObject({
      code: 'anchor-unsigned',
    });
    expect(
      await verify(rows.slice(2), {
        anchor: signPoint(intruder, rows[1]!, 'aloe.audit.anchor.v1'),
        checkpoint,
      }),
    ).toMatchObject({
      code: 'anchor-signature-invalid',
      reason: expect.stringMatching(/key this verifier does not trust/),
    });
    expect(await verify(rows.slice(2), { anchor: signPoint(signer, rows[1]!), checkpoint })).toMatchObject({
      code: 'anchor-signature-invalid',
      reason: expect.stringMatching(/does not verify/),
    });
  });

  it('names newest rows deleted up to or past the checkpoint', async () => {
    expect(await verify(rows.slice(0, 2), { checkpoint })).toMatchObject({
      code: 'tail-truncated',
      firstBrokenSeq: 3,
      reason: expect.stringMatching(/^rows 3…4 are gone: the checkpoint signed at .* covers row 4$/),
    });
    expect(await verify([], { checkpoint })).toMatchObject({ code: 'tail-truncated', firstBrokenSeq: 1 });
  });

  it('names a chain edited and re-hashed from the edit on (every link holds, the signed hash does not)', async () => {
    const edited = rows.map((row) => (row.seq === 2 ? { ...row, verdict: 'block' } : row));
    expect(await verify(rehashFrom(edited, 1), { checkpoint })).toMatchObject({
      code: 'chain-rewritten',
      firstBrokenSeq: 4,
    });
  });

  it('names a row re-hashed after the checkpoint by its signature', async () => {
    const edited = rows.map((row) => (row.seq === 5 ? { ...row, verdict: 'block' } : row));
    expect(await verify(rehashFrom(edited, 4), { checkpoint })).toMatchObject({
      code: 'row-signature-invalid',
      firstBrokenSeq: 5,
    });
  });

  it('names a row appended behind the service, unsigned or signed with another key', async () => {
    const [forged] = signedChain(intruder, 7, 7, rows[5]!.rowHash);
    expect(await verify([...rows, { ...forged!, signature: null }], { checkpoint })).toMatchObject({
      code: 'row-unsigned',
      firstBrokenSeq: 7,
    });
    expect(await verify([...rows, forged!], { checkpoint })).toMatchObject({
      code: 'row-signature-invalid',
      firstBrokenSeq: 7,
    });
  });

  it('needs no row signature under the checkpoint (rows written before rows were signed)', async () => {
    const legacy = rows.map((row) => ({ ...row, signature: null }));
    expect(await verify(legacy, { checkpoint: signPoint(signer, rows[5]!) })).toMatchObject({ ok: true });
    expect(await verify(legacy, { checkpoint })).toMatchObject({ code: 'row-unsigned', firstBrokenSeq: 5 });
  });

  it('names a forged checkpoint', async () => {
    expect(await verify(rows, { checkpoint: signPoint(intruder, rows[5]!) })).toMatchObject({
      code: 'checkpoint-signature-invalid',
      firstBrokenSeq: 6,
    });
    expect(
      await verify(rows, { checkpoint: { ...checkpoint, seq: 6, rowHash: rows[5]!.rowHash } }),
    ).toMatchObject({
      code: 'checkpoint-signature-invalid',
    });
  });

  it('reading from the checkpoint (before signing the next) insists its row is still there, unchanged', async () => {
    const start = chainStart(null, checkpoint, true);
    expect(firstSeqOf(start)).toBe(4);
    const since = (list: VerifiableRow[]) =>
      verifyAuditLog({ rows: list, start, anchor: null, checkpoint, keyring, requireRowSignatures: true });
    expect(await since(rows.slice(3))).toMatchObject({ ok: true, rows: 3, lastSeq: 6 });
    expect(await since([])).toMatchObject({ code: 'tail-truncated', firstBrokenSeq: 4 });
    expect(await since(rows.slice(4))).toMatchObject({ code: 'rows-missing', firstBrokenSeq: 4 });
    const edited = rows.map((row) => (row.seq === 2 ? { ...row, verdict: 'block' } : row));
    expect(await since(rehashFrom(edited, 1).slice(3))).toMatchObject({
      code: 'chain-rewritten',
      firstBrokenSeq: 4,
    });
  });
});
