import { X509Certificate } from 'node:crypto';
import { rootCertificates } from 'node:tls';
import { toHex } from '@qk/octets';
import { describe, expect, it } from 'vitest';
import { nobleProvider } from '../../src/crypto/noble.js';
import { certificateFromPem, isSelfIssued } from '../../src/x509/index.js';
import { nodeRootStore, nodeRootsReport } from '../../src/x509/node-roots.js';

/** Node prints names one attribute per line, escaping RFC 4514 specials. */
function nodeStyle(c: ReturnType<typeof certificateFromPem>['subject']): string {
  const esc = (v: string) => v.replace(/[,+"\\<>;]/g, (m) => `\\${m}`);
  return c.rdns.map((rdn) => rdn.map((a) => `${a.name}=${esc(a.value)}`).join('+')).join('\n');
}

describe("Node's bundled roots", () => {
  it('parses nearly all of them (reports the skipped ones) and builds the store once', () => {
    const report = nodeRootsReport();
    expect(report.total).toBe(rootCertificates.length);
    if (report.skipped.length) console.warn('skipped roots:', report.skipped);
    expect(report.store.size).toBeGreaterThanOrEqual(Math.floor(report.total * 0.97));
    expect(report.store.size + report.skipped.length).toBe(report.total);
    expect(nodeRootStore()).toBe(report.store);
  });

  it('agrees with node:crypto on names, keys and validity of every root', () => {
    let compared = 0;
    for (const pem of rootCertificates) {
      let mine;
      try {
        mine = certificateFromPem(pem);
      } catch {
        continue; // counted as skipped above
      }
      const node = new X509Certificate(pem);
      expect(nodeStyle(mine.subject), node.subject).toBe(node.subject);
      expect(nodeStyle(mine.issuer)).toBe(node.issuer);
      expect(toHex(mine.spki)).toBe(toHex(node.publicKey.export({ type: 'spki', format: 'der' })));
      expect(mine.notBefore).toBe(Date.parse(node.validFrom));
      expect(mine.notAfter).toBe(Date.parse(node.validTo));
      expect(mine.extensions.basicConstraints?.cA ?? false).toBe(node.ca);
      compared++;
    }
    expect(compared).toBe(nodeRootsReport().store.size);
  });

  it('every root with a supported algorithm verifies its own signature (sha1WithRSA ones are unsupported)', () => {
    const unsupported: string[] = [];
    for (const c of nodeRootStore()) {
      if (!isSelfIssued(c)) continue;
      if (!c.signatureAlgorithm || !c.publicKey) {
        unsupported.push(c.signatureAlgorithmOid);
        continue;
      }
      expect(nobleProvider.verify(c.signatureAlgorithm, c.publicKey, c.tbs, c.signature), c.subject.text).toBe(true);
    }
    // Only SHA-1 RSA self-signatures (1.2.840.113549.1.1.5), which do not matter for trust anchors.
    expect(new Set(unsupported).size <= 1).toBe(true);
    for (const oid of unsupported) expect(oid).toBe('1.2.840.113549.1.1.5');
  });
});
