// PEM files that configuration variables name, read when a service starts. The config schemas keep only
// the paths, so a deployment's environment can be checked where the files are not (infra/deploy-check);
// reading them here turns a missing, unreadable or mismatched file into a ConfigError naming its variable.
import { createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfigError } from '../errors/app-error.js';

/** A file and the variable that named it (what an error tells the operator to fix). */
export interface PemFile {
  readonly variable: string;
  readonly path: string;
}

export function pemFile(variable: string, path: string): PemFile;
export function pemFile(variable: string, path: string | undefined): PemFile | undefined;
export function pemFile(variable: string, path: string | undefined): PemFile | undefined {
  return path === undefined ? undefined : { variable, path };
}

/** A TLS server's files: its certificate (chain) and key; with a client CA, clients must present a certificate it signed. */
export interface ServerTlsFiles {
  readonly cert: PemFile;
  readonly key: PemFile;
  readonly clientCa?: PemFile | undefined;
}

/** A TLS client's files: the CA it trusts; with a certificate and its key, it presents them (mTLS). */
export interface ClientTlsFiles {
  readonly ca: PemFile;
  readonly cert?: PemFile | undefined;
  readonly key?: PemFile | undefined;
  /** The name the server's certificate is checked against, instead of the host dialled. */
  readonly serverName?: string | undefined;
}

/** PEM bytes, as grpc-js (Node's TLS) takes them. */
export interface ServerTls {
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly clientCa: Buffer | undefined;
}

export interface ClientTls {
  readonly ca: Buffer;
  readonly cert: Buffer | undefined;
  readonly key: Buffer | undefined;
  readonly serverName: string | undefined;
}

/** Reads and checks a server's TLS files; every problem at once, as one ConfigError. */
export function readServerTls(files: ServerTlsFiles): ServerTls {
  const reader = pemReader();
  const cert = reader.certificate(files.cert);
  const key = reader.privateKey(files.key);
  reader.checkPair(cert, files.cert, key, files.key);
  const clientCa = files.clientCa ? reader.certificate(files.clientCa) : undefined;
  reader.throwProblems();
  return { cert: cert!.pem, key: key!.pem, clientCa: clientCa?.pem };
}

/** Reads and checks a client's TLS files; every problem at once, as one ConfigError. */
export function readClientTls(files: ClientTlsFiles): ClientTls {
  const reader = pemReader();
  const ca = reader.certificate(files.ca);
  const cert = files.cert ? reader.certificate(files.cert) : undefined;
  const key = files.key ? reader.privateKey(files.key) : undefined;
  if (files.cert && files.key) reader.checkPair(cert, files.cert, key, files.key);
  reader.throwProblems();
  return { ca: ca!.pem, cert: cert?.pem, key: key?.pem, serverName: files.serverName };
}

const READ_ERRORS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'a directory, not a file',
};

function pemReader() {
  const problems: string[] = [];
  const read = (file: PemFile): Buffer | undefined => {
    try {
      return readFileSync(file.path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
      problems.push(`${file.variable}: cannot read ${file.path} (${READ_ERRORS[code] ?? code})`);
      return undefined;
    }
  };
  return {
    certificate(file: PemFile): { pem: Buffer; parsed: X509Certificate } | undefined {
      const pem = read(file);
      if (!pem) return undefined;
      try {
        // Node's TLS takes certificates as PEM only; X509Certificate alone would also take DER.
        if (pem.includes('-----BEGIN CERTIFICATE-----')) return { pem, parsed: new X509Certificate(pem) };
      } catch {
        // reported below
      }
      problems.push(`${file.variable}: ${file.path} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
      return undefined;
    },
    privateKey(file: PemFile): { pem: Buffer; parsed: KeyObject } | undefined {
      const pem = read(file);
      if (!pem) return undefined;
      try {
        return { pem, parsed: createPrivateKey(pem) };
      } catch {
        // The key's bytes are never echoed.
        problems.push(
          `${file.variable}: ${file.path} holds no unencrypted PEM private key (PKCS#8, PKCS#1 or SEC1)`,
        );
        return undefined;
      }
    },
    checkPair(
      cert: { parsed: X509Certificate } | undefined,
      certFile: PemFile,
      key: { parsed: KeyObject } | undefined,
      keyFile: PemFile,
    ): void {
      if (cert && key && !cert.parsed.checkPrivateKey(key.parsed))
        problems.push(
          `${keyFile.variable}: the key in ${keyFile.path} does not belong to the certificate in ${certFile.path} (${certFile.variable})`,
        );
    },
    throwProblems(): void {
      if (problems.length > 0) throw new ConfigError(problems);
    },
  };
}
