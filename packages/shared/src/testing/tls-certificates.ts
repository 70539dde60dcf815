// A throwaway PKI for TLS tests, made by the openssl CLI (Node can make keys but cannot sign X.509
// certificates): a CA, a server certificate and a client certificate it signed, and a second CA that
// signed nothing of these (the wrong trust). EC P-256 keys, valid for one day.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCertificates {
  readonly dir: string;
  /** The DNS name in the server certificate (its only name: dialling 127.0.0.1 needs it as the server name). */
  readonly serverName: string;
  readonly caCert: string;
  readonly serverCert: string;
  readonly serverKey: string;
  readonly clientCert: string;
  readonly clientKey: string;
  /** A CA that signed none of the certificates above. */
  readonly otherCaCert: string;
  /** A client certificate and key signed by the other CA. */
  readonly otherClientCert: string;
  readonly otherClientKey: string;
  remove(): void;
}

/** Writes the PKI into a fresh temporary folder; paths to PEM files. Throws when openssl is not on PATH. */
export function makeTestCertificates(serverName = 'inference.aloe.test'): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'aloe-tls-'));
  const path = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => {
    try {
      execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (error) {
      const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
      throw new Error(`openssl ${args[0]} failed: ${stderr || (error as Error).message}`);
    }
  };
  const key = (name: string) =>
    openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', path(name));
  const ca = (name: string) => {
    key(`${name}.key`);
    openssl(
      'req',
      '-x509',
      '-new',
      '-key',
      path(`${name}.key`),
      '-subj',
      `/CN=${name}`,
      '-days',
      '1',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
      '-out',
      path(`${name}.crt`),
    );
  };
  const leaf = (name: string, signer: string, extensions: string) => {
    key(`${name}.key`);
    openssl('req', '-new', '-key', path(`${name}.key`), '-subj', `/CN=${name}`, '-out', path(`${name}.csr`));
    writeFileSync(path(`${name}.ext`), extensions);
    openssl(
      'x509',
      '-req',
      '-in',
      path(`${name}.csr`),
      '-CA',
      path(`${signer}.crt`),
      '-CAkey',
      path(`${signer}.key`),
      '-CAcreateserial',
      '-days',
      '1',
      '-extfile',
      path(`${name}.ext`),
      '-out',
      path(`${name}.crt`),
    );
  };
  const usage = 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n';
  try {
    ca('ca');
    ca('other-ca');
    leaf('server', 'ca', `${usage}extendedKeyUsage=serverAuth\nsubjectAltName=DNS:${serverName}\n`);
    leaf('client', 'ca', `${usage}extendedKeyUsage=clientAuth\n`);
    leaf('other-client', 'other-ca', `${usage}extendedKeyUsage=clientAuth\n`);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    dir,
    serverName,
    caCert: path('ca.crt'),
    serverCert: path('server.crt'),
    serverKey: path('server.key'),
    clientCert: path('client.crt'),
    clientKey: path('client.key'),
    otherCaCert: path('other-ca.crt'),
    otherClientCert: path('other-client.crt'),
    otherClientKey: path('other-client.key'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
