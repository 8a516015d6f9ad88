import { toHex } from '@qk/octets';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nobleProvider } from '../../src/crypto/noble.js';
import { TlsAlert } from '../../src/errors.js';
import {
  certificateFromPem, matchesServerName, parseCertificate, parseCertificateChainPem, parseIp,
} from '../../src/x509/index.js';
import { CERT_FIXTURES, cert, certPem, expectAgreesWithNode, nodeCert } from './fixtures.js';
import type { CertFixture } from './fixtures.js';

/** The issuer fixture of each non-root fixture. */
const ISSUER: Partial<Record<CertFixture, CertFixture>> = {
  'rsa-int': 'rsa-root', 'rsa-leaf': 'rsa-int', 'rsa-pss-leaf': 'rsa-int', 'rsa-pss384-leaf': 'rsa-int',
  'keyenc-leaf': 'rsa-int', 'p256-int': 'p256-root', 'p256-leaf': 'p256-int', 'p384-int': 'p384-root',
  'p384-leaf': 'p384-int', 'ed25519-leaf': 'ed25519-root', 'expired-leaf': 'p256-int', 'notyet-leaf': 'p256-int',
  'notca-int': 'p256-root', 'notca-leaf': 'notca-int', 'pathlen-int1': 'p256-root', 'pathlen-int2': 'pathlen-int1',
  'pathlen-leaf': 'pathlen-int2', 'critical-leaf': 'p256-int', 'ip-leaf': 'p256-int', 'wildcard-leaf': 'p256-int',
  'cn-only-leaf': 'p256-int', 'client-leaf': 'p256-int',
};

describe('parseCertificate on the openssl fixtures, against node:crypto X509Certificate', () => {
  for (const name of CERT_FIXTURES) {
    it(name, () => {
      expectAgreesWithNode(cert(name), nodeCert(name));
    });
  }

  it('signature algorithms, including RSASSA-PSS parameters', () => {
    expect(cert('rsa-leaf').signatureAlgorithm).toEqual({ kind: 'rsa-pkcs1', hash: 'sha256' });
    expect(cert('rsa-pss-leaf').signatureAlgorithm).toEqual({ kind: 'rsa-pss', hash: 'sha256', saltLength: 32 });
    expect(cert('rsa-pss384-leaf').signatureAlgorithm).toEqual({ kind: 'rsa-pss', hash: 'sha384', saltLength: 48 });
    expect(cert('p256-leaf').signatureAlgorithm).toEqual({ kind: 'ecdsa', hash: 'sha256' });
    expect(cert('p384-leaf').signatureAlgorithm).toEqual({ kind: 'ecdsa', hash: 'sha384' });
    expect(cert('ed25519-leaf').signatureAlgorithm).toEqual({ kind: 'ed25519' });
    expect(cert('p384-leaf').publicKey).toMatchObject({ kind: 'ec', curve: 'P-384' });
    expect(cert('ed25519-leaf').publicKey?.kind).toBe('ed25519');
  });

  it('extensions', () => {
    const int = cert('p256-int');
    expect(int.extensions.basicConstraints).toEqual({ cA: true, pathLenConstraint: 0 });
    expect(int.extensions.keyUsage).toEqual(['digitalSignature', 'keyCertSign', 'cRLSign']);
    expect(toHex(int.extensions.subjectKeyIdentifier!)).toBe(toHex(cert('p256-leaf').extensions.authorityKeyIdentifier!));
    expect(cert('critical-leaf').extensions.unknownCritical).toEqual(['1.3.6.1.4.1.55555.1']);
    expect(cert('client-leaf').extensions.extKeyUsage).toEqual(['clientAuth']);
    expect(cert('cn-only-leaf').extensions.subjectAltNames).toBeUndefined();
    expect(cert('ip-leaf').extensions.subjectAltNames?.filter((s) => s.kind === 'ip').map((s) => s.value)).toEqual([
      '127.0.0.1', '::1', '2001:db8::1:0:0:1',
    ]);
    expect(cert('p256-leaf').subject.text).toBe('CN=p256.test,O=qk test');
  });

  it('the signature of each fixture verifies under its issuer, as node says', () => {
    for (const [child, issuer] of Object.entries(ISSUER) as [CertFixture, CertFixture][]) {
      const c = cert(child);
      const i = cert(issuer);
      expect(nodeCert(child).verify(nodeCert(issuer).publicKey), child).toBe(true);
      expect(nobleProvider.verify(c.signatureAlgorithm!, i.publicKey!, c.tbs, c.signature), child).toBe(true);
      const flipped = c.signature.slice();
      flipped[flipped.length - 5]! ^= 0x01;
      expect(nobleProvider.verify(c.signatureAlgorithm!, i.publicKey!, c.tbs, flipped), child).toBe(false);
    }
  });

  it('name chaining agrees with node checkIssued on every pair', () => {
    const mine = new Map(CERT_FIXTURES.map((n) => [n, cert(n)]));
    const theirs = new Map(CERT_FIXTURES.map((n) => [n, nodeCert(n)]));
    for (const a of CERT_FIXTURES) {
      for (const b of CERT_FIXTURES) {
        const child = mine.get(a)!;
        const parent = mine.get(b)!;
        const aki = child.extensions.authorityKeyIdentifier;
        const ski = parent.extensions.subjectKeyIdentifier;
        const ku = parent.extensions.keyUsage;
        const issued =
          toHex(child.issuer.der) === toHex(parent.subject.der) &&
          (!aki || !ski || toHex(aki) === toHex(ski)) &&
          (!ku || ku.includes('keyCertSign'));
        expect(issued, `${a} issued by ${b}`).toBe(theirs.get(a)!.checkIssued(theirs.get(b)!));
      }
    }
  });

  it('host and IP matching agree with node checkHost / checkIP (no CN fallback, no partial wildcards)', () => {
    const hosts = [
      'rsa.test', 'RSA.TEST', 'www.rsa.test', 'x.rsa.test', 'p256.test', 'alt.p256.test', 'a.wild.test',
      'A.Wild.Test', 'wild.test', 'a.b.wild.test', 'cn-only.test', 'localhost', 'ip.test', 'self.test',
      'pss.test', 'nope.example',
    ];
    const ips = ['127.0.0.1', '::1', '0:0:0:0:0:0:0:1', '2001:db8::1:0:0:1', '2001:db8:0:0:1::1', '127.0.0.2', '10.0.0.1'];
    for (const name of CERT_FIXTURES) {
      const mine = cert(name);
      const node = nodeCert(name);
      for (const h of hosts) {
        const nodeSays = node.checkHost(h, { subject: 'never', partialWildcards: false }) !== undefined;
        expect(matchesServerName(mine, h), `${name} ${h}`).toBe(nodeSays);
      }
      for (const ip of ips) {
        expect(matchesServerName(mine, ip), `${name} ${ip}`).toBe(node.checkIP(ip) !== undefined);
        expect(parseIp(ip)).toBeDefined();
      }
    }
    // Deliberate differences: an absolute name (trailing dot) matches, as in browsers, where OpenSSL refuses it;
    // OpenSSL's own extension of a leading dot meaning "any subdomain" is not a server name and matches nothing.
    expect(matchesServerName(cert('rsa-leaf'), 'rsa.test.')).toBe(true);
    expect(nodeCert('rsa-leaf').checkHost('rsa.test.')).toBeUndefined();
    expect(matchesServerName(cert('wildcard-leaf'), '.wild.test')).toBe(false);
    expect(nodeCert('wildcard-leaf').checkHost('.wild.test')).toBe('*.wild.test');
  });

  it('parseCertificateChainPem reads every block in order; certificateFromPem the first', () => {
    const pem = certPem('p256-leaf') + certPem('p256-int') + certPem('p256-root');
    expect(parseCertificateChainPem(pem).map((c) => c.subject.text)).toEqual([
      'CN=p256.test,O=qk test', 'CN=qk P-256 Intermediate,O=qk test', 'CN=qk P-256 Root,O=qk test',
    ]);
    expect(certificateFromPem(pem).subject.text).toBe('CN=p256.test,O=qk test');
    expect(() => certificateFromPem('nothing here')).toThrow(TypeError);
  });

  it('copies its input once: later changes to the caller buffer do not leak in', () => {
    const der = new Uint8Array(nodeCert('p256-leaf').raw);
    const c = parseCertificate(der);
    der.fill(0);
    expect(c.subject.text).toBe('CN=p256.test,O=qk test');
    expect(c.der.buffer).toBe(c.tbs.buffer);
  });
});

describe('parseCertificate on hostile input throws only TlsAlert', () => {
  const valid = new Uint8Array(nodeCert('p256-leaf').raw);
  const rsaValid = new Uint8Array(nodeCert('rsa-pss-leaf').raw);

  function onlyAlerts(bytes: Uint8Array): void {
    try {
      parseCertificate(bytes);
    } catch (e) {
      if (!(e instanceof TlsAlert)) throw e;
      expect(e.description).toBe('bad_certificate');
    }
  }

  it('every truncation of a valid certificate', () => {
    for (const input of [valid, rsaValid]) {
      for (let n = 0; n < input.length; n++) {
        expect(() => parseCertificate(input.subarray(0, n))).toThrow(TlsAlert);
      }
    }
  });

  it('random bit flips', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: valid.length * 8 - 1 }), { minLength: 1, maxLength: 4 }), fc.boolean(), (bits, rsa) => {
        const bytes = (rsa ? rsaValid : valid).slice();
        for (const b of bits) if (b >> 3 < bytes.length) bytes[b >> 3]! ^= 1 << (b & 7);
        onlyAlerts(bytes);
      }),
      { numRuns: 1500 },
    );
  });

  it('random bytes, and random bytes behind a plausible header', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        onlyAlerts(bytes);
        const framed = new Uint8Array(bytes.length + 4);
        framed.set([0x30, 0x82, bytes.length >> 8, bytes.length & 0xff]);
        framed.set(bytes, 4);
        onlyAlerts(framed);
      }),
      { numRuns: 1000 },
    );
  });

  it('the decode_error variant for callers inside a TLS message', () => {
    expect(() => parseCertificate(valid.subarray(0, 10), 'decode_error')).toThrow(/^decode_error/);
  });
});
