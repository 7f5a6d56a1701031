import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { requireTool } from '../component.js';
import type { StackConfig } from '../config.js';
import { kafkaPasswordFile, kafkaSecurityDir } from '../config.js';
import { spawnSync } from 'node:child_process';
import { progress, StackError } from '../progress.js';
import { serviceNames } from './service.js';

/** The SCRAM users of a secure broker: one per service, and the admin (also the broker's own). */
export const kafkaUsers = [...serviceNames, 'admin'] as const;
export type KafkaUser = (typeof kafkaUsers)[number];

/**
 * Where a secure broker keeps its secrets: a directory only its owner can enter, the
 * private keys and passwords in it readable by the owner alone. Nothing here is ever
 * committed; it lives in the stack's state directory.
 */
export function kafkaSecurityPaths(config: StackConfig) {
  const dir = kafkaSecurityDir(config);
  return {
    dir,
    /** The CA that signed the broker's certificate: what clients trust. */
    caFile: path.join(dir, 'ca.pem'),
    /** The broker's key and certificate (PKCS#12), for its listeners. */
    keystore: path.join(dir, 'broker.p12'),
    keystorePassword: path.join(dir, 'broker.p12.password'),
    passwordFile: (user: KafkaUser) => kafkaPasswordFile(config, user),
  };
}
export type KafkaSecurityPaths = ReturnType<typeof kafkaSecurityPaths>;

/** The subject of the broker's certificate: its principal on the mTLS controller listener. */
export const brokerSubject = 'CN=orderflow-kafka-broker';

/**
 * Makes what a secure broker needs, once: a password per user, a CA and a certificate
 * for 127.0.0.1 and localhost signed by it. The CA's key is deleted once it has signed:
 * nothing else is ever issued from it.
 */
export function ensureKafkaSecrets(paths: KafkaSecurityPaths): void {
  mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
  chmodSync(paths.dir, 0o700);
  for (const user of kafkaUsers) writeSecretOnce(paths.passwordFile(user));
  writeSecretOnce(paths.keystorePassword);
  if (existsSync(paths.keystore)) return;
  progress('kafka', `making a CA and a broker certificate in ${paths.dir}`);
  issueCertificates(paths);
}

/** Reads a password the stack generated. */
export function readSecret(file: string): string {
  return readFileSync(file, 'utf8').trim();
}

/** base64url: nothing that needs quoting in a JAAS line or a SCRAM format argument. */
function writeSecretOnce(file: string): void {
  if (existsSync(file)) return;
  writeFileSync(file, `${randomBytes(24).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
}

/**
 * A CA and, signed by it, a certificate for 127.0.0.1 and localhost that serves as
 * both server and client certificate (the broker is a client of its own controller).
 * Also used by tests to make a CA the broker does not trust.
 */
export function issueCertificates(
  paths: Pick<KafkaSecurityPaths, 'dir' | 'caFile' | 'keystore' | 'keystorePassword'>,
  subject = brokerSubject,
): void {
  const openssl = requireTool('openssl', 'OpenSSL (Debian: apt-get install openssl)');
  const file = (name: string) => path.join(paths.dir, name);
  const days = '825';
  const step = (what: string, args: string[]) => {
    const result = spawnSync(openssl, args, { encoding: 'utf8' });
    if (result.status !== 0)
      throw new StackError(`kafka: ${what} failed: ${result.stderr.trim() || result.error}`);
  };
  try {
    step('making a CA', [
      ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', days],
      ...['-keyout', file('ca.key'), '-out', paths.caFile],
      ...['-subj', '/CN=orderflow local Kafka CA'],
      ...['-addext', 'basicConstraints=critical,CA:TRUE'],
      ...['-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
    ]);
    chmodSync(file('ca.key'), 0o600);
    step('making the broker key', [
      ...['req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/${subject}`],
      ...['-keyout', file('broker.key'), '-out', file('broker.csr')],
    ]);
    chmodSync(file('broker.key'), 0o600);
    writeFileSync(
      file('broker.ext'),
      [
        'basicConstraints=CA:FALSE',
        'keyUsage=critical,digitalSignature,keyEncipherment',
        'extendedKeyUsage=serverAuth,clientAuth',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
        '',
      ].join('\n'),
    );
    step('signing the broker certificate', [
      ...['x509', '-req', '-in', file('broker.csr'), '-days', days],
      ...['-CA', paths.caFile, '-CAkey', file('ca.key'), '-CAcreateserial'],
      ...['-extfile', file('broker.ext'), '-out', file('broker.pem')],
    ]);
    step('packing the broker keystore', [
      ...['pkcs12', '-export', '-name', 'broker'],
      ...['-inkey', file('broker.key'), '-in', file('broker.pem'), '-certfile', paths.caFile],
      ...['-passout', `file:${paths.keystorePassword}`, '-out', paths.keystore],
    ]);
    chmodSync(paths.keystore, 0o600);
  } finally {
    for (const name of ['ca.key', 'ca.srl', 'broker.key', 'broker.csr', 'broker.ext'])
      rmSync(file(name), { force: true });
  }
}
