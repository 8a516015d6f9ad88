/**
 * A set of trust anchors (RFC 5280 §6.1.1 (d)) indexed for path building: by subject DER and by subject key
 * identifier.
 */
import { equal, toHex } from '@qk/octets';
import { parseCertificateChainPem } from './certificate.js';
import type { Certificate } from './certificate.js';

/**
 * Trusted certificates. Issuer candidates are found by exact subject DER (RFC 5280 §6.1.3 (a)(4) name chaining,
 * compared byte for byte), narrowed by the authority key identifier when both sides carry one.
 *
 * @example
 * const store = TrustStore.fromPem(readFileSync('ca.pem', 'utf8'));
 * verifyCertificateChain(chain, { trustStore: store, provider, now, purpose: 'serverAuth', serverName: 'example.com' });
 */
export class TrustStore {
  readonly #bySubject = new Map<string, Certificate[]>();
  readonly #byKeyId = new Map<string, Certificate[]>();
  #size = 0;

  /** A store holding `certs`. */
  static fromCertificates(certs: Iterable<Certificate>): TrustStore {
    const store = new TrustStore();
    for (const c of certs) store.add(c);
    return store;
  }

  /** A store holding every `CERTIFICATE` of a PEM text (throws like `parseCertificateChainPem`). */
  static fromPem(pem: string): TrustStore {
    return TrustStore.fromCertificates(parseCertificateChainPem(pem));
  }

  /** Adds `cert` (a duplicate is ignored). */
  add(cert: Certificate): void {
    const key = toHex(cert.subject.der);
    const list = this.#bySubject.get(key);
    if (list?.some((c) => equal(c.der, cert.der))) return;
    if (list) list.push(cert);
    else this.#bySubject.set(key, [cert]);
    const ski = cert.extensions.subjectKeyIdentifier;
    if (ski) {
      const k = toHex(ski);
      const byId = this.#byKeyId.get(k);
      if (byId) byId.push(cert);
      else this.#byKeyId.set(k, [cert]);
    }
    this.#size++;
  }

  /** Number of certificates. */
  get size(): number {
    return this.#size;
  }

  /** True when exactly this certificate (same DER) is in the store. */
  has(cert: Certificate): boolean {
    return this.bySubject(cert.subject.der).some((c) => equal(c.der, cert.der));
  }

  /** Certificates whose subject is exactly `subjectDer`. */
  bySubject(subjectDer: Uint8Array): readonly Certificate[] {
    return this.#bySubject.get(toHex(subjectDer)) ?? [];
  }

  /** Certificates whose subject key identifier is `keyId`. */
  byKeyIdentifier(keyId: Uint8Array): readonly Certificate[] {
    return this.#byKeyId.get(toHex(keyId)) ?? [];
  }

  /**
   * Candidate issuers of `cert`: subject equal to `cert`'s issuer, and, when `cert` has an authority key
   * identifier and the candidate a subject key identifier, the two equal.
   */
  issuersOf(cert: Certificate): readonly Certificate[] {
    return this.bySubject(cert.issuer.der).filter((c) => keyIdsCompatible(cert, c));
  }

  /** Every certificate in the store. */
  *[Symbol.iterator](): IterableIterator<Certificate> {
    for (const list of this.#bySubject.values()) yield* list;
  }
}

/** False only when both key identifiers are present and differ. */
export function keyIdsCompatible(child: Certificate, issuer: Certificate): boolean {
  const aki = child.extensions.authorityKeyIdentifier;
  const ski = issuer.extensions.subjectKeyIdentifier;
  return !aki || !ski || equal(aki, ski);
}
