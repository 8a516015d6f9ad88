/**
 * A throwaway PKI for the interop tests: one ECDSA P-256 CA and a server certificate per key type (P-256, P-384,
 * Ed25519, RSA-2048) for `localhost` and 127.0.0.1, generated with qk's own X.509 module, plus PEM files for
 * OpenSSL and node:tls.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PrivateKey } from '@qk/tls13';
import { TrustStore, generateCertificate, nobleProvider, parsePrivateKey } from '../../src/tls13.js';
import type { Certificate, GeneratedCertificate } from '../../src/tls13.js';

/** The certificate key types the tests cover. */
export const KEY_TYPES = ['p256', 'p384', 'ed25519', 'rsa2048'] as const;
export type KeyType = (typeof KEY_TYPES)[number];

/** One end entity: qk objects and PEM files. */
export interface Identity {
  readonly chain: readonly Certificate[];
  readonly privateKey: PrivateKey;
  readonly certPem: string;
  readonly keyPem: string;
  readonly certFile: string;
  readonly keyFile: string;
}

export interface TestPki {
  readonly dir: string;
  readonly ca: GeneratedCertificate;
  readonly caFile: string;
  readonly trustStore: TrustStore;
  readonly servers: Readonly<Record<KeyType, Identity>>;
  /** A client certificate (P-256) issued by the same CA, for mutual TLS. */
  readonly client: Identity;
  cleanup(): void;
}

const HOUR = 3_600_000;

function rsaKey(): PrivateKey {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return parsePrivateKey(privateKey.export({ format: 'pem', type: 'pkcs8' }) as string);
}

/** Makes the PKI (an RSA-2048 key generation included: about 0.1-1 s). */
export function makePki(now: number = Date.now()): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'qk-tls-record-'));
  const validity = { notBefore: now - HOUR, notAfter: now + 48 * HOUR };
  const ca = generateCertificate({ subject: 'qk interop test CA', isCA: true, keyType: 'p256', ...validity }, nobleProvider);
  const caFile = join(dir, 'ca.pem');
  writeFileSync(caFile, ca.pem);
  const issue = (name: string, key: { keyType: 'p256' | 'p384' | 'ed25519' } | { privateKey: PrivateKey }): Identity => {
    const g = generateCertificate(
      {
        subject: name === 'client' ? 'qk test client' : 'localhost',
        subjectAltNames: name === 'client' ? { dns: ['client.test'] } : { dns: ['localhost'], ip: ['127.0.0.1'] },
        issuer: { certificate: ca.certificate, privateKey: ca.privateKey },
        ...key,
        ...validity,
      },
      nobleProvider,
    );
    const certFile = join(dir, `${name}.pem`);
    const keyFile = join(dir, `${name}.key`);
    writeFileSync(certFile, g.pem);
    writeFileSync(keyFile, g.keyPem);
    return { chain: [g.certificate], privateKey: g.privateKey, certPem: g.pem, keyPem: g.keyPem, certFile, keyFile };
  };
  const servers = {
    p256: issue('p256', { keyType: 'p256' }),
    p384: issue('p384', { keyType: 'p384' }),
    ed25519: issue('ed25519', { keyType: 'ed25519' }),
    rsa2048: issue('rsa2048', { privateKey: rsaKey() }),
  };
  return {
    dir,
    ca,
    caFile,
    trustStore: TrustStore.fromCertificates([ca.certificate]),
    servers,
    client: issue('client', { keyType: 'p256' }),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
