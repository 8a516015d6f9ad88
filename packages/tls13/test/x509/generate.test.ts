import { createPrivateKey, X509Certificate } from 'node:crypto';
import { toHex } from '@qk/octets';
import { describe, expect, it } from 'vitest';
import { createNobleProvider, nobleProvider } from '../../src/crypto/noble.js';
import { TlsAlert } from '../../src/errors.js';
import {
  ExtensionOid, TrustStore, generateCertificate, generateSelfSignedForLocalhost, parsePrivateKey,
  verifyCertificateChain,
} from '../../src/x509/index.js';
import type { GeneratedCertificate } from '../../src/x509/index.js';
import { NOW, expectAgreesWithNode, fixtureText } from './fixtures.js';

const DAY = 86_400_000;
const notBefore = Date.UTC(2024, 0, 1);
const notAfter = Date.UTC(2124, 0, 1);

function node(g: GeneratedCertificate): X509Certificate {
  return new X509Certificate(g.pem);
}

describe('generateSelfSignedForLocalhost', () => {
  const now = Date.UTC(2025, 2, 10, 12, 30, 15, 500);
  const g = generateSelfSignedForLocalhost(nobleProvider, now);
  const x = node(g);

  it('is a P-256 ECDSA certificate node accepts, for localhost, 127.0.0.1 and ::1', () => {
    expect(g.certificate.signatureAlgorithm).toEqual({ kind: 'ecdsa', hash: 'sha256' });
    expect(g.privateKey.kind).toBe('ec');
    expect(x.checkHost('localhost')).toBe('localhost');
    expect(x.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(x.checkIP('::1')).toBe('::1');
    expect(x.verify(x.publicKey)).toBe(true);
    // OpenSSL's check_issued also wants keyCertSign on the issuer, which an end-entity lacks (openssl verify
    // -CAfile still accepts the certificate as its own trust anchor).
    expect(x.checkIssued(x)).toBe(false);
    expect(x.checkPrivateKey(createPrivateKey(g.keyPem))).toBe(true);
    expect(x.ca).toBe(false);
    expect(x.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    expectAgreesWithNode(g.certificate, x);
  });

  it('is valid for exactly 14 days from a minute before now', () => {
    expect(Date.parse(x.validFrom)).toBe(Math.floor((now - 60_000) / 1000) * 1000);
    expect(g.certificate.notAfter - g.certificate.notBefore).toBe(14 * DAY);
    expect(g.certificate.notBefore <= now && now <= g.certificate.notAfter).toBe(true);
  });

  it('verifies under our own verifier when trusted, for each name', () => {
    const store = TrustStore.fromCertificates([g.certificate]);
    for (const serverName of ['localhost', '127.0.0.1', '::1', '[::1]']) {
      expect(verifyCertificateChain([g.der], { trustStore: store, provider: nobleProvider, now, serverName, purpose: 'serverAuth' })).toHaveLength(1);
    }
    expect(() => verifyCertificateChain([g.der], { trustStore: store, provider: nobleProvider, now: now + 15 * DAY, purpose: 'serverAuth' })).toThrow(TlsAlert);
  });

  it('parsePrivateKey reads its key PEM back', () => {
    expect(parsePrivateKey(g.keyPem)).toEqual(g.privateKey);
  });
});

describe('generateCertificate', () => {
  const root = generateCertificate({ subject: 'Gen Root', keyType: 'p384', isCA: true, pathLen: 1, notBefore, notAfter }, nobleProvider);
  const int = generateCertificate(
    { subject: 'Gen Intermediate', keyType: 'ed25519', isCA: true, pathLen: 0, issuer: root, notBefore, notAfter },
    nobleProvider,
  );
  const leaf = generateCertificate(
    { subject: 'gen.test', subjectAltNames: { dns: ['gen.test', '*.gen.test'], ip: ['192.0.2.7', '2001:db8::7'] }, issuer: int, notBefore, notAfter },
    nobleProvider,
  );

  it('a P-384 → Ed25519 → P-256 chain that node accepts link by link', () => {
    expect(root.certificate.signatureAlgorithm).toEqual({ kind: 'ecdsa', hash: 'sha384' });
    expect(int.certificate.signatureAlgorithm).toEqual({ kind: 'ecdsa', hash: 'sha384' });
    expect(leaf.certificate.signatureAlgorithm).toEqual({ kind: 'ed25519' });
    expect(leaf.privateKey.kind).toBe('ec');
    expect(node(root).verify(node(root).publicKey)).toBe(true);
    expect(node(int).verify(node(root).publicKey)).toBe(true);
    expect(node(leaf).verify(node(int).publicKey)).toBe(true);
    expect(node(int).checkIssued(node(root))).toBe(true);
    expect(node(leaf).checkIssued(node(int))).toBe(true);
    expect(node(leaf).checkHost('a.gen.test', { subject: 'never' })).toBe('*.gen.test');
    expect(node(leaf).checkIP('2001:db8::7')).toBe('2001:db8::7');
    expect(node(leaf).subjectAltName).toBe('DNS:gen.test, DNS:*.gen.test, IP Address:192.0.2.7, IP Address:2001:DB8:0:0:0:0:0:7');
    expect(node(root).ca).toBe(true);
    expect(node(leaf).validTo).toBe('Jan  1 00:00:00 2124 GMT');
    for (const g of [root, int, leaf]) expectAgreesWithNode(g.certificate, node(g));
  });

  it('verifies under our verifier, and key identifiers chain', () => {
    const store = TrustStore.fromCertificates([root.certificate]);
    const path = verifyCertificateChain([leaf.der, int.der], { trustStore: store, provider: nobleProvider, now: NOW, serverName: 'x.gen.test', purpose: 'serverAuth' });
    expect(path.map((c) => c.subject.text)).toEqual(['CN=gen.test', 'CN=Gen Intermediate', 'CN=Gen Root']);
    expect(toHex(leaf.certificate.extensions.authorityKeyIdentifier!)).toBe(toHex(int.certificate.extensions.subjectKeyIdentifier!));
    expect(root.certificate.extensions.basicConstraints).toEqual({ cA: true, pathLenConstraint: 1 });
    expect(leaf.certificate.extensions.keyUsage).toEqual(['digitalSignature']);
    expect(leaf.certificate.extensions.extKeyUsage).toEqual(['serverAuth', 'clientAuth']);
    expect(root.certificate.extensions.keyUsage).toEqual(['digitalSignature', 'keyCertSign', 'cRLSign']);
    expect(leaf.certificate.serialNumber.length).toBe(16);
    expect(leaf.certificate.serialNumber[0]! & 0x80).toBe(0);
  });

  it('RSA issuer keys sign with sha256WithRSAEncryption or RSASSA-PSS; node verifies both', () => {
    const rsaKey = parsePrivateKey(fixtureText('keys/rsa.pkcs8.pem'));
    const rsaCa = generateCertificate({ subject: 'RSA Gen CA', privateKey: rsaKey, isCA: true, notBefore, notAfter }, nobleProvider);
    expect(rsaCa.certificate.signatureAlgorithm).toEqual({ kind: 'rsa-pkcs1', hash: 'sha256' });
    expect(node(rsaCa).verify(node(rsaCa).publicKey)).toBe(true);
    const pss = generateCertificate(
      { subject: 'pss.gen.test', subjectAltNames: { dns: ['pss.gen.test'] }, keyType: 'p256', issuer: rsaCa, rsaSignature: 'pss', notBefore, notAfter },
      nobleProvider,
    );
    expect(pss.certificate.signatureAlgorithm).toEqual({ kind: 'rsa-pss', hash: 'sha256', saltLength: 32 });
    expect(node(pss).verify(node(rsaCa).publicKey)).toBe(true);
    const store = TrustStore.fromCertificates([rsaCa.certificate]);
    expect(verifyCertificateChain([pss.der], { trustStore: store, provider: nobleProvider, now: NOW, serverName: 'pss.gen.test', purpose: 'serverAuth' })).toHaveLength(2);
    expectAgreesWithNode(rsaCa.certificate, node(rsaCa));
    expectAgreesWithNode(pss.certificate, node(pss));
  });

  it('an empty subject makes the subjectAltName critical; dates past 2049 use GeneralizedTime', () => {
    const g = generateCertificate({ subject: '', subjectAltNames: { dns: ['empty.test'] }, notBefore, notAfter: Date.UTC(2050, 0, 1) }, nobleProvider);
    expect(g.certificate.subject.der.length).toBe(2);
    expect(g.certificate.extensions.all.find((e) => e.oid === ExtensionOid.subjectAltName)?.critical).toBe(true);
    expect(node(g).subject).toBeUndefined();
    expectAgreesWithNode(g.certificate, node(g));
    expect(Date.parse(node(g).validTo)).toBe(Date.UTC(2050, 0, 1));
    expect(toHex(g.certificate.tbs)).toContain(toHex(new TextEncoder().encode('20500101000000Z')));
  });

  it('keys and serials come from provider.random', () => {
    let counter = 0;
    const fixed = createNobleProvider({ random: (out: Uint8Array) => out.fill(++counter) });
    const g = generateCertificate({ subject: 'det', keyType: 'ed25519', notBefore, notAfter }, fixed);
    expect(g.privateKey.kind === 'ed25519' && toHex(g.privateKey.seed)).toBe('01'.repeat(32));
    expect(toHex(g.certificate.serialNumber)).toBe(`42${'02'.repeat(15)}`);
    const again = generateCertificate({ subject: 'det', keyType: 'ed25519', notBefore, notAfter, serial: Uint8Array.of(0x80) }, fixed);
    expect(toHex(again.certificate.serialNumber)).toBe('0080');
  });

  it('rejects inconsistent options', () => {
    const base = { subject: 'x', notBefore, notAfter };
    expect(() => generateCertificate({ ...base, pathLen: 1 }, nobleProvider)).toThrow(RangeError);
    expect(() => generateCertificate({ ...base, notBefore: notAfter + 1 }, nobleProvider)).toThrow(RangeError);
    expect(() => generateCertificate({ ...base, subjectAltNames: { ip: ['300.1.1.1'] } }, nobleProvider)).toThrow(TypeError);
    expect(() => generateCertificate({ ...base, subjectAltNames: { dns: ['bücher.example'] } }, nobleProvider)).toThrow(TypeError);
    expect(() => generateCertificate({ ...base, serial: new Uint8Array(21).fill(1) }, nobleProvider)).toThrow(RangeError);
    expect(() => generateCertificate({ ...base, issuer: { certificate: root.certificate, privateKey: int.privateKey } }, nobleProvider)).toThrow(/does not match/);
    expect(() => generateCertificate({ ...base, keyType: 'p256', privateKey: root.privateKey }, nobleProvider)).toThrow(TypeError);
  });
});
