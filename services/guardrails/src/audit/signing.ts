import { createHash, createPrivateKey, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';
import { canonicalJson } from '@aloe/shared/canonical';

/**
 * What the service signs with Ed25519. Each statement names its type, so a signature made for one
 * purpose never passes for another (a checkpoint replayed as a purge anchor, say). The signed bytes are
 * the canonical JSON of the statement.
 */
export type Statement =
  /** One appended row, signed when written: a row added behind the service's back carries no signature. */
  | { type: 'aloe.audit.row.v1'; seq: number; rowHash: string }
  /** The newest row at `signedAt`: rows up to it can no longer vanish or change unnoticed. */
  | { type: 'aloe.audit.checkpoint.v1'; seq: number; rowHash: string; signedAt: string }
  /** The last row a retention purge deleted: where the chain now starts. */
  | { type: 'aloe.audit.anchor.v1'; seq: number; rowHash: string; signedAt: string }
  /** An export file: which rows it holds (a digest of their seq and hash), under which filter, up to which checkpoint. */
  | {
      type: 'aloe.audit.export.v1';
      exportedAt: string;
      filter: Record<string, string | number>;
      rows: number;
      rowsDigest: string;
      /** null only for an empty log. */
      checkpoint: SignedCheckpoint | null;
      anchor: SignedCheckpoint | null;
    };

/** A signature and the key that made it. */
export interface Signature {
  /** The first 16 hex digits of SHA-256 over the public key (SPKI DER): names the key, never proves it. */
  keyId: string;
  /** base64 */
  signature: string;
}

/** A checkpoint or an anchor as stored and exported. */
export type SignedCheckpoint = { seq: number; rowHash: string; signedAt: string } & Signature;

/**
 * The published development key. Anyone can sign with it, so a log signed with it proves nothing; the
 * service warns at start-up when GUARDRAILS_AUDIT_SIGNING_KEY is unset. Fixed rather than generated, so
 * an embedded log keeps verifying across restarts.
 */
export const DEVELOPMENT_SIGNING_KEY = createPrivateKey({
  key: Buffer.from('MC4CAQAwBQYDK2VwBCIEIEFgOGv1q1Ebv+G6IcfSAgL3/fmTkgbsJH+U3uvNFElS', 'base64'),
  format: 'der',
  type: 'pkcs8',
});

export const keyIdOf = (publicKey: KeyObject): string =>
  createHash('sha256')
    .update(publicKey.export({ format: 'der', type: 'spki' }))
    .digest('hex')
    .slice(0, 16);

export interface Signer {
  keyId: string;
  /** PEM (SPKI), as GET /v1/audit/public-key serves it. */
  publicKeyPem: string;
  publicKey: KeyObject;
  sign(statement: Statement): Signature;
}

export function createSigner(privateKey: KeyObject): Signer {
  if (privateKey.asymmetricKeyType !== 'ed25519')
    throw new TypeError('The audit signing key must be Ed25519');
  const publicKey = createPublicKey(privateKey);
  const keyId = keyIdOf(publicKey);
  return {
    keyId,
    publicKey,
    publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    sign: (statement) => ({
      keyId,
      signature: sign(null, Buffer.from(canonicalJson(statement)), privateKey).toString('base64'),
    }),
  };
}

export type SignatureCheck = 'valid' | 'missing' | 'unknown-key' | 'invalid';

/** The public keys a verifier trusts (the current one and those of earlier keys), by key id. */
export interface Keyring {
  keyIds: string[];
  check(
    statement: Statement,
    signature: { keyId?: string | null; signature?: string | null } | null | undefined,
  ): SignatureCheck;
}

export function createKeyring(publicKeys: readonly KeyObject[]): Keyring {
  const byId = new Map(publicKeys.map((key) => [keyIdOf(key), key]));
  return {
    keyIds: [...byId.keys()],
    check(statement, given) {
      if (!given?.signature || !given.keyId) return 'missing';
      const key = byId.get(given.keyId);
      if (!key) return 'unknown-key';
      const bytes = Buffer.from(canonicalJson(statement));
      return verify(null, bytes, key, Buffer.from(given.signature, 'base64')) ? 'valid' : 'invalid';
    },
  };
}

/** A public key from a PEM or the base64 of its SPKI DER (the CLI's --public-key, the config's trusted keys). */
export function parsePublicKey(text: string): KeyObject {
  const key = text.includes('-----BEGIN')
    ? createPublicKey(text)
    : createPublicKey({ key: Buffer.from(text.trim(), 'base64'), format: 'der', type: 'spki' });
  if (key.asymmetricKeyType !== 'ed25519') throw new TypeError('not an Ed25519 public key');
  return key;
}

/** The statement a stored checkpoint or anchor was signed as. */
export const checkpointStatement = (
  type: 'aloe.audit.checkpoint.v1' | 'aloe.audit.anchor.v1',
  point: { seq: number; rowHash: string; signedAt: string },
): Statement => ({ type, seq: point.seq, rowHash: point.rowHash, signedAt: point.signedAt });
