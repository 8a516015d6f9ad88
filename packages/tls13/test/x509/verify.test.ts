import { describe, expect, it } from 'vitest';
import { nobleProvider } from '../../src/crypto/noble.js';
import type { CryptoProvider } from '../../src/crypto/provider.js';
import { TlsAlert } from '../../src/errors.js';
import { TrustStore, parseCertificate, verifyCertificateChain } from '../../src/x509/index.js';
import type { Certificate, VerifyOptions } from '../../src/x509/index.js';
import { NOW, cert, certPem } from './fixtures.js';
import type { CertFixture } from './fixtures.js';

const ROOTS: CertFixture[] = ['rsa-root', 'p256-root', 'p384-root', 'ed25519-root'];
const store = TrustStore.fromPem(ROOTS.map(certPem).join(''));

function opts(extra: Partial<VerifyOptions> = {}): VerifyOptions {
  return { trustStore: store, provider: nobleProvider, now: NOW, purpose: 'serverAuth', ...extra };
}

function chain(...names: CertFixture[]): Certificate[] {
  return names.map(cert);
}

function alertOf(f: () => unknown): TlsAlert {
  try {
    f();
  } catch (e) {
    if (e instanceof TlsAlert) return e;
    throw e;
  }
  throw new Error('expected a TlsAlert');
}

function subjects(path: Certificate[]): string[] {
  return path.map((c) => c.subject.rdns.at(-1)![0]!.value);
}

describe('verifyCertificateChain: valid chains', () => {
  const cases: [string, CertFixture[], string][] = [
    ['RSA 2048', ['rsa-leaf', 'rsa-int'], 'rsa.test'],
    ['EC P-256', ['p256-leaf', 'p256-int'], 'p256.test'],
    ['EC P-384', ['p384-leaf', 'p384-int'], 'p384.test'],
    ['Ed25519', ['ed25519-leaf'], 'ed25519.test'],
    ['RSASSA-PSS SHA-256', ['rsa-pss-leaf', 'rsa-int'], 'pss.test'],
    ['RSASSA-PSS SHA-384 over an EC key', ['rsa-pss384-leaf', 'rsa-int'], 'pss384.test'],
    ['IPv4 SAN', ['ip-leaf', 'p256-int'], '127.0.0.1'],
    ['IPv6 SAN', ['ip-leaf', 'p256-int'], '::1'],
    ['IPv6 SAN, other spelling', ['ip-leaf', 'p256-int'], '2001:DB8:0:0:1:0:0:1'],
    ['wildcard', ['wildcard-leaf', 'p256-int'], 'anything.wild.test'],
    ['case-insensitive', ['p256-leaf', 'p256-int'], 'ALT.P256.Test'],
  ];
  for (const [label, names, serverName] of cases) {
    it(label, () => {
      const path = verifyCertificateChain(chain(...names), opts({ serverName }));
      expect(path.length).toBe(names.length + 1);
      expect(path[0]!.subject.text).toBe(cert(names[0]!).subject.text);
      expect(ROOTS.map((r) => cert(r).subject.text)).toContain(path.at(-1)!.subject.text);
    });
  }

  it('takes DER, intermediates in any order, ignores extras and duplicates', () => {
    const der = [cert('p256-leaf'), cert('rsa-int'), cert('p256-int'), cert('p256-int'), cert('p384-leaf')].map((c) => c.der);
    const path = verifyCertificateChain(der, opts({ serverName: 'p256.test' }));
    expect(subjects(path)).toEqual(['p256.test', 'qk P-256 Intermediate', 'qk P-256 Root']);
    const reordered = verifyCertificateChain(chain('rsa-leaf', 'p256-root', 'rsa-root', 'rsa-int'), opts());
    expect(subjects(reordered)).toEqual(['rsa.test', 'qk RSA Intermediate', 'qk RSA Root']);
  });

  it("enforces a trust anchor's own pathLenConstraint when it has one", () => {
    const s = TrustStore.fromCertificates([cert('pathlen-int1')]);
    const a = alertOf(() => verifyCertificateChain(chain('pathlen-leaf', 'pathlen-int2'), opts({ trustStore: s })));
    expect(a.message).toMatch(/path length constraint 0 exceeded/);
    const s2 = TrustStore.fromCertificates([cert('pathlen-int2')]);
    expect(verifyCertificateChain(chain('pathlen-leaf'), opts({ trustStore: s2 }))).toHaveLength(2);
  });

  it('stops at the first trust anchor: an intermediate in the store is an anchor', () => {
    const s = TrustStore.fromCertificates([cert('p256-int')]);
    const path = verifyCertificateChain(chain('p256-leaf', 'p256-int'), opts({ trustStore: s }));
    expect(subjects(path)).toEqual(['p256.test', 'qk P-256 Intermediate']);
  });

  it('a self-signed leaf in the store is a path of one; not in the store it is unknown_ca', () => {
    const s = TrustStore.fromCertificates([cert('selfsigned-leaf')]);
    expect(subjects(verifyCertificateChain(chain('selfsigned-leaf'), opts({ trustStore: s, serverName: 'self.test' })))).toEqual(['self.test']);
    const a = alertOf(() => verifyCertificateChain(chain('selfsigned-leaf'), opts({ serverName: 'self.test' })));
    expect(a.description).toBe('unknown_ca');
  });

  it('no serverName: identity is not checked; clientAuth purpose', () => {
    expect(verifyCertificateChain(chain('client-leaf', 'p256-int'), opts({ purpose: 'clientAuth' }))).toHaveLength(3);
    expect(verifyCertificateChain(chain('p256-leaf', 'p256-int'), opts({ purpose: 'clientAuth' }))).toHaveLength(3);
  });

  it('validity bounds are inclusive', () => {
    const leaf = cert('p256-leaf');
    expect(verifyCertificateChain(chain('p256-leaf', 'p256-int'), opts({ now: leaf.notBefore }))).toHaveLength(3);
    expect(verifyCertificateChain(chain('p256-leaf', 'p256-int'), opts({ now: leaf.notAfter }))).toHaveLength(3);
    expect(alertOf(() => verifyCertificateChain(chain('p256-leaf', 'p256-int'), opts({ now: leaf.notAfter + 1 }))).description).toBe('certificate_expired');
  });
});

describe('verifyCertificateChain: every negative case ends in the right alert', () => {
  const cases: [string, () => unknown, string, RegExp][] = [
    ['expired leaf', () => verifyCertificateChain(chain('expired-leaf', 'p256-int'), opts()), 'certificate_expired', /has expired/],
    ['not-yet-valid leaf', () => verifyCertificateChain(chain('notyet-leaf', 'p256-int'), opts()), 'certificate_expired', /not yet valid/],
    ['expired intermediate (now after its notAfter, leaf checked at the same time)', () => verifyCertificateChain(chain('notyet-leaf', 'p256-int'), opts({ now: Date.UTC(2200, 0, 2) })), 'certificate_expired', /P-256 Intermediate/],
    ['wrong host', () => verifyCertificateChain(chain('p256-leaf', 'p256-int'), opts({ serverName: 'rsa.test' })), 'bad_certificate', /'rsa\.test' does not match the certificate's DNS names \(p256\.test, alt\.p256\.test\)/],
    ['no CN fallback', () => verifyCertificateChain(chain('cn-only-leaf', 'p256-int'), opts({ serverName: 'cn-only.test' })), 'bad_certificate', /no subjectAltName/],
    ['wildcard does not match the bare domain', () => verifyCertificateChain(chain('wildcard-leaf', 'p256-int'), opts({ serverName: 'x.y.wild.test' })), 'bad_certificate', /does not match/],
    ['IP not in the SANs', () => verifyCertificateChain(chain('ip-leaf', 'p256-int'), opts({ serverName: '127.0.0.2' })), 'bad_certificate', /IP address 127\.0\.0\.2/],
    ['an IP never matches a DNS SAN', () => verifyCertificateChain(chain('p256-leaf', 'p256-int'), opts({ serverName: '10.0.0.1' })), 'bad_certificate', /no iPAddress entries/],
    ['intermediate without the CA flag', () => verifyCertificateChain(chain('notca-leaf', 'notca-int'), opts()), 'bad_certificate', /not a CA/],
    ['pathLen violation', () => verifyCertificateChain(chain('pathlen-leaf', 'pathlen-int2', 'pathlen-int1'), opts()), 'bad_certificate', /path length constraint 0 exceeded/],
    ['unknown critical extension', () => verifyCertificateChain(chain('critical-leaf', 'p256-int'), opts()), 'unsupported_certificate', /1\.3\.6\.1\.4\.1\.55555\.1/],
    ['EKU without the purpose', () => verifyCertificateChain(chain('client-leaf', 'p256-int'), opts()), 'unsupported_certificate', /does not allow serverAuth/],
    ['keyUsage without digitalSignature', () => verifyCertificateChain(chain('keyenc-leaf', 'rsa-int'), opts()), 'unsupported_certificate', /digitalSignature/],
    ['missing intermediate', () => verifyCertificateChain(chain('p256-leaf'), opts()), 'unknown_ca', /no trusted issuer found for 'CN=qk P-256 Intermediate/],
    ['unknown root', () => verifyCertificateChain(chain('p256-leaf', 'p256-int'), opts({ trustStore: TrustStore.fromCertificates([cert('rsa-root')]) })), 'unknown_ca', /CN=qk P-256 Root/],
    ['maxDepth', () => verifyCertificateChain(chain('p256-leaf', 'p256-int'), opts({ maxDepth: 2 })), 'bad_certificate', /within 2 certificates/],
    ['empty chain', () => verifyCertificateChain([], opts()), 'bad_certificate', /empty/],
    ['malformed DER in the chain', () => verifyCertificateChain([new Uint8Array([0x30, 0x03, 0x02, 0x01])], opts()), 'bad_certificate', /malformed certificate/],
  ];
  for (const [label, f, alert, reason] of cases) {
    it(`${label} → ${alert}`, () => {
      const a = alertOf(f);
      expect(a.description).toBe(alert);
      expect(a.message).toMatch(reason);
    });
  }

  it('a bad leaf signature → bad_certificate (RFC 8446 §6.2), whatever byte of the signature is hit', () => {
    const leaf = cert('p256-leaf');
    for (const at of [5, 20, leaf.der.length - 3]) {
      const der = leaf.der.slice();
      der[at]! ^= 0x01;
      const a = alertOf(() => verifyCertificateChain([der, cert('p256-int').der], opts()));
      expect(a.description).toBe('bad_certificate');
    }
    const sigAt = leaf.der.length - 10;
    const der = leaf.der.slice();
    der[sigAt]! ^= 0x40;
    expect(alertOf(() => verifyCertificateChain([der, cert('p256-int').der], opts())).message).toMatch(/signature does not verify/);
  });

  it('a provider that rejects every signature makes every chain fail with bad_certificate', () => {
    const refusing: CryptoProvider = { ...nobleProvider, verify: () => false };
    for (const names of [['rsa-leaf', 'rsa-int'], ['ed25519-leaf'], ['p384-leaf', 'p384-int']] as CertFixture[][]) {
      expect(alertOf(() => verifyCertificateChain(chain(...names), opts({ provider: refusing }))).description).toBe('bad_certificate');
    }
  });

  it('unsupported signature or key algorithms → unsupported_certificate', () => {
    const leaf = cert('p256-leaf');
    const noAlg = { ...leaf, signatureAlgorithm: undefined };
    expect(alertOf(() => verifyCertificateChain([noAlg, cert('p256-int')], opts())).description).toBe('unsupported_certificate');
    const int = cert('p256-int');
    const noKey = { ...int, publicKey: undefined };
    expect(alertOf(() => verifyCertificateChain([leaf, noKey], opts())).description).toBe('unsupported_certificate');
  });

  it('API misuse throws RangeError', () => {
    expect(() => verifyCertificateChain(chain('p256-leaf'), opts({ maxDepth: 0 }))).toThrow(RangeError);
    expect(() => verifyCertificateChain(chain('p256-leaf'), opts({ now: Number.NaN }))).toThrow(RangeError);
  });
});

describe('TrustStore', () => {
  it('indexes by subject and key identifier, ignores duplicates', () => {
    const s = TrustStore.fromCertificates([cert('p256-root'), cert('p256-root'), cert('rsa-root')]);
    expect(s.size).toBe(2);
    expect(s.has(cert('p256-root'))).toBe(true);
    expect(s.has(cert('p384-root'))).toBe(false);
    const int = cert('p256-int');
    expect(s.issuersOf(int).map((c) => c.subject.text)).toEqual(['CN=qk P-256 Root,O=qk test']);
    expect(s.byKeyIdentifier(int.extensions.authorityKeyIdentifier!)).toHaveLength(1);
    expect([...s].length).toBe(2);
  });

  it('key identifiers narrow issuer candidates with the same name', () => {
    const real = cert('p256-int');
    // same subject, different SKI: a look-alike must not be offered as the issuer
    const lookalike = parseCertificate(real.der);
    const fake = { ...lookalike, der: new Uint8Array([...lookalike.der, 0]), extensions: { ...lookalike.extensions, subjectKeyIdentifier: new Uint8Array(20) } };
    const s = TrustStore.fromCertificates([fake, real]);
    expect(s.issuersOf(cert('p256-leaf'))).toEqual([real]);
  });
});
