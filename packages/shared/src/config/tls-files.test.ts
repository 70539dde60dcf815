// The TLS files of a real throwaway PKI (openssl), read as a service reads them at start-up.
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { ConfigError } from '../errors/app-error.js';
import { makeTestCertificates } from '../testing/tls-certificates.js';
import { pemFile, readClientTls, readServerTls } from './tls-files.js';

const pki = makeTestCertificates();
afterAll(() => pki.remove());

const file = (variable: string, path: string) => pemFile(variable, path);

function problemsOf(read: () => unknown): string[] {
  try {
    read();
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('a TLS server’s files', () => {
  it('are read as PEM bytes: the certificate, its key and the client CA', () => {
    const tls = readServerTls({
      cert: file('CERT', pki.serverCert),
      key: file('KEY', pki.serverKey),
      clientCa: file('CA', pki.caCert),
    });
    expect(tls.cert.equals(readFileSync(pki.serverCert))).toBe(true);
    expect(tls.key.equals(readFileSync(pki.serverKey))).toBe(true);
    expect(tls.clientCa?.equals(readFileSync(pki.caCert))).toBe(true);
    expect(
      readServerTls({ cert: file('CERT', pki.serverCert), key: file('KEY', pki.serverKey) }).clientCa,
    ).toBe(undefined);
  });

  it('are refused at once when missing, unreadable or not PEM, each naming its variable and file', () => {
    const notPem = join(pki.dir, 'not-pem.txt');
    writeFileSync(notPem, 'hello\n');
    const unreadable = join(pki.dir, 'unreadable.crt');
    writeFileSync(unreadable, readFileSync(pki.caCert));
    chmodSync(unreadable, 0o000);
    const missing = join(pki.dir, 'missing.crt');
    const problems = problemsOf(() =>
      readServerTls({
        cert: file('INFERENCE_GRPC_TLS_CERT_FILE', missing),
        key: file('INFERENCE_GRPC_TLS_KEY_FILE', notPem),
        clientCa: file('INFERENCE_GRPC_TLS_CLIENT_CA_FILE', unreadable),
      }),
    );
    const root = process.getuid?.() === 0; // root reads a file whatever its mode
    expect(problems).toEqual([
      `INFERENCE_GRPC_TLS_CERT_FILE: cannot read ${missing} (no such file)`,
      `INFERENCE_GRPC_TLS_KEY_FILE: ${notPem} holds no unencrypted PEM private key (PKCS#8, PKCS#1 or SEC1)`,
      ...(root ? [] : [`INFERENCE_GRPC_TLS_CLIENT_CA_FILE: cannot read ${unreadable} (permission denied)`]),
    ]);
  });

  it('are refused when the key is not the certificate’s, or the files are swapped, without echoing a key', () => {
    expect(
      problemsOf(() =>
        readServerTls({
          cert: file('INFERENCE_GRPC_TLS_CERT_FILE', pki.serverCert),
          key: file('INFERENCE_GRPC_TLS_KEY_FILE', pki.clientKey),
        }),
      ),
    ).toEqual([
      `INFERENCE_GRPC_TLS_KEY_FILE: the key in ${pki.clientKey} does not belong to the certificate in ${pki.serverCert} (INFERENCE_GRPC_TLS_CERT_FILE)`,
    ]);
    const swapped = problemsOf(() =>
      readServerTls({
        cert: file('INFERENCE_GRPC_TLS_CERT_FILE', pki.serverKey),
        key: file('INFERENCE_GRPC_TLS_KEY_FILE', pki.serverCert),
      }),
    );
    expect(swapped).toEqual([
      `INFERENCE_GRPC_TLS_CERT_FILE: ${pki.serverKey} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`,
      `INFERENCE_GRPC_TLS_KEY_FILE: ${pki.serverCert} holds no unencrypted PEM private key (PKCS#8, PKCS#1 or SEC1)`,
    ]);
    expect(swapped.join('\n')).not.toContain('PRIVATE KEY-----');
  });
});

describe('a TLS client’s files', () => {
  it('are the CA alone, or the CA with a client certificate and its key, and the server name', () => {
    const trustOnly = readClientTls({ ca: file('CA', pki.caCert) });
    expect(trustOnly.ca.equals(readFileSync(pki.caCert))).toBe(true);
    expect([trustOnly.cert, trustOnly.key, trustOnly.serverName]).toEqual([undefined, undefined, undefined]);
    const mutual = readClientTls({
      ca: file('CA', pki.caCert),
      cert: file('CERT', pki.clientCert),
      key: file('KEY', pki.clientKey),
      serverName: pki.serverName,
    });
    expect(mutual.cert?.equals(readFileSync(pki.clientCert))).toBe(true);
    expect(mutual.key?.equals(readFileSync(pki.clientKey))).toBe(true);
    expect(mutual.serverName).toBe(pki.serverName);
  });

  it('are refused when the CA is missing or the client key is another certificate’s', () => {
    expect(
      problemsOf(() =>
        readClientTls({
          ca: file('GUARDRAILS_INFERENCE_TLS_CA_FILE', join(pki.dir, 'nope.crt')),
          cert: file('GUARDRAILS_INFERENCE_TLS_CERT_FILE', pki.clientCert),
          key: file('GUARDRAILS_INFERENCE_TLS_KEY_FILE', pki.otherClientKey),
        }),
      ),
    ).toEqual([
      `GUARDRAILS_INFERENCE_TLS_CA_FILE: cannot read ${join(pki.dir, 'nope.crt')} (no such file)`,
      `GUARDRAILS_INFERENCE_TLS_KEY_FILE: the key in ${pki.otherClientKey} does not belong to the certificate in ${pki.clientCert} (GUARDRAILS_INFERENCE_TLS_CERT_FILE)`,
    ]);
  });
});
