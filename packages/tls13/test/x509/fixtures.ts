/** Test helper: loads the openssl-made X.509 fixtures of test/vectors/x509 (see its README). */
import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { toHex } from '@qk/octets';
import { expect } from 'vitest';
import { ExtKeyUsageOid, certificateFromPem, isSelfIssued, spkiSha256 } from '../../src/x509/index.js';
import type { Certificate } from '../../src/x509/index.js';

const dir = new URL('../vectors/x509/', import.meta.url);

/** Every certificate fixture's name (file name without `.pem`). */
export const CERT_FIXTURES = [
  'rsa-root', 'rsa-int', 'rsa-leaf', 'rsa-pss-leaf', 'rsa-pss384-leaf', 'keyenc-leaf',
  'p256-root', 'p256-int', 'p256-leaf', 'p384-root', 'p384-int', 'p384-leaf', 'ed25519-root', 'ed25519-leaf',
  'expired-leaf', 'notyet-leaf', 'notca-int', 'notca-leaf', 'pathlen-int1', 'pathlen-int2', 'pathlen-leaf',
  'critical-leaf', 'ip-leaf', 'wildcard-leaf', 'cn-only-leaf', 'client-leaf', 'selfsigned-leaf',
] as const;

/** A certificate fixture's name. */
export type CertFixture = (typeof CERT_FIXTURES)[number];

/** The text of a fixture file, relative to test/vectors/x509. */
export function fixtureText(path: string): string {
  return readFileSync(new URL(path, dir), 'utf8');
}

/** The bytes of a fixture file, relative to test/vectors/x509. */
export function fixtureBytes(path: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(path, dir)));
}

/** The PEM of a certificate fixture. */
export function certPem(name: CertFixture): string {
  return fixtureText(`${name}.pem`);
}

/** A certificate fixture, parsed by qk. */
export function cert(name: CertFixture): Certificate {
  return certificateFromPem(certPem(name));
}

/** A certificate fixture, parsed by node:crypto (the differential oracle). */
export function nodeCert(name: CertFixture): X509Certificate {
  return new X509Certificate(certPem(name));
}

/** "now" for every fixture test: inside the fixtures' validity (2024-01-01 to 2124-01-01), fixed forever. */
export const NOW = Date.UTC(2025, 5, 1);

/** A v6 address as node prints it (`0:0:0:0:0:0:0:1`, uppercase) or a v4 dotted quad, to bytes. */
function nodeIpBytes(s: string): Uint8Array {
  if (s.includes('.')) return Uint8Array.from(s.split('.').map(Number));
  const out = new Uint8Array(16);
  s.split(':').forEach((g, i) => {
    const v = Number.parseInt(g, 16);
    out[2 * i] = v >> 8;
    out[2 * i + 1] = v & 0xff;
  });
  return out;
}

function nodeSans(x: X509Certificate): { dns: string[]; ip: string[] } {
  const dns: string[] = [];
  const ip: string[] = [];
  for (const part of (x.subjectAltName ?? '').split(', ').filter(Boolean)) {
    if (part.startsWith('DNS:')) dns.push(part.slice(4));
    else if (part.startsWith('IP Address:')) ip.push(toHex(nodeIpBytes(part.slice(11))));
  }
  return { dns, ip };
}

function mySans(c: Certificate): { dns: string[]; ip: string[] } {
  const sans = c.extensions.subjectAltNames ?? [];
  return {
    dns: sans.flatMap((s) => (s.kind === 'dns' ? [s.value] : [])),
    ip: sans.flatMap((s) => (s.kind === 'ip' ? [toHex(s.bytes)] : [])),
  };
}

function nameLines(c: Certificate['subject']): string {
  return c.rdns.map((rdn) => rdn.map((a) => `${a.name}=${a.value}`).join('+')).join('\n');
}

/**
 * The differential oracle: node:crypto's view of a certificate (subject, issuer, validity, serial, SANs, CA flag,
 * EKUs, SPKI, raw DER, key numbers) equals qk's parse of it.
 */
export function expectAgreesWithNode(mine: Certificate, node: X509Certificate): void {
  expect(nameLines(mine.subject)).toBe(node.subject ?? '');
  expect(nameLines(mine.issuer)).toBe(node.issuer ?? '');
  expect(mine.notBefore).toBe(Date.parse(node.validFrom));
  expect(mine.notAfter).toBe(Date.parse(node.validTo));
  expect(mine.serialNumberHex.toUpperCase()).toBe(node.serialNumber);
  expect(mySans(mine)).toEqual(nodeSans(node));
  expect(mine.extensions.basicConstraints?.cA ?? false).toBe(node.ca);
  expect((mine.extensions.extKeyUsage ?? []).map((n) => ExtKeyUsageOid[n as keyof typeof ExtKeyUsageOid] ?? n)).toEqual(
    node.keyUsage ?? [],
  );
  expect(toHex(mine.spki)).toBe(toHex(node.publicKey.export({ type: 'spki', format: 'der' })));
  expect(toHex(mine.der)).toBe(toHex(node.raw));
  expect(spkiSha256(mine)).toBe(createHash('sha256').update(mine.spki).digest('base64'));
  expect(mine.version).toBe(3);
  expect(isSelfIssued(mine)).toBe(node.subject === node.issuer);
  const pub = mine.publicKey;
  expect(pub).toBeDefined();
  const legacy = node.toLegacyObject();
  if (pub?.kind === 'rsa') {
    expect(pub.n.toString(16).toUpperCase()).toBe(legacy.modulus);
    expect(pub.bits).toBe(legacy.bits);
  } else if (pub?.kind === 'ec') {
    expect(toHex(pub.point).toUpperCase()).toBe(legacy.pubkey?.toString('hex').toUpperCase());
  }
}
