/**
 * Certificate path building and validation (RFC 5280 §6, the parts TLS needs) with server identity checks
 * (RFC 9525). Failures are `TlsAlert`s with the alert RFC 8446 §6.2 describes:
 *
 * | failure                                                         | alert                     |
 * |-----------------------------------------------------------------|---------------------------|
 * | malformed certificate, bad signature (§6.2: "contained signatures that did not verify correctly"), issuer not a CA, keyCertSign missing, pathLen exceeded, name mismatch, chain too long | `bad_certificate` |
 * | now outside a certificate's validity (expired or not yet valid) | `certificate_expired`     |
 * | unknown critical extension, unsupported key or signature algorithm, keyUsage / EKU not allowing the purpose | `unsupported_certificate` |
 * | no path to a trust anchor                                       | `unknown_ca`              |
 *
 * (`decrypt_error` is for the handshake's own signature, CertificateVerify, not for certificate signatures.)
 */
import { equal } from '@qk/octets';
import type { CryptoProvider } from '../crypto/provider.js';
import { TlsAlert } from '../errors.js';
import type { AlertName } from '../errors.js';
import { isSelfIssued, parseCertificate } from './certificate.js';
import type { Certificate } from './certificate.js';
import { serverNameMismatch } from './hostname.js';
import { keyIdsCompatible } from './trust-store.js';
import type { TrustStore } from './trust-store.js';

/** What a certificate is being verified for (an extended key usage, RFC 5280 §4.2.1.12). */
export type CertificatePurpose = 'serverAuth' | 'clientAuth';

/** Options of {@link verifyCertificateChain}. */
export interface VerifyOptions {
  /** The trust anchors. */
  readonly trustStore: TrustStore;
  /** Verifies the signatures. */
  readonly provider: CryptoProvider;
  /** The time to check validity at, unix milliseconds. */
  readonly now: number;
  /** The DNS name or IP literal (IPv4 or IPv6) the leaf must be valid for; omit to skip the identity check. */
  readonly serverName?: string;
  /** The extended key usage the leaf (and any intermediate that restricts EKUs) must allow. */
  readonly purpose: CertificatePurpose;
  /** Most certificates in a path, leaf and trust anchor included (default 10). */
  readonly maxDepth?: number;
}

/** Default of {@link VerifyOptions.maxDepth}. */
export const DEFAULT_MAX_DEPTH = 10;

/** Most issuer candidates tried while building one path: bounds the work a hostile chain can cause. */
const MAX_CANDIDATES = 64;

function fail(alert: AlertName, cert: Certificate, reason: string): TlsAlert {
  return new TlsAlert(alert, `${reason} [${cert.subject.text || '(empty subject)'}]`);
}

function checkValidity(cert: Certificate, now: number): void {
  if (now < cert.notBefore) throw fail('certificate_expired', cert, 'certificate is not yet valid');
  if (now > cert.notAfter) throw fail('certificate_expired', cert, 'certificate has expired');
}

function checkPurpose(cert: Certificate, purpose: CertificatePurpose): void {
  const eku = cert.extensions.extKeyUsage;
  if (eku && !eku.includes(purpose) && !eku.includes('anyExtendedKeyUsage')) {
    throw fail('unsupported_certificate', cert, `extended key usage does not allow ${purpose} (has ${eku.join(', ')})`);
  }
}

function checkLeaf(leaf: Certificate, options: VerifyOptions): void {
  checkValidity(leaf, options.now);
  const unknown = leaf.extensions.unknownCritical;
  if (unknown.length) throw fail('unsupported_certificate', leaf, `unknown critical extension ${unknown.join(', ')}`);
  const ku = leaf.extensions.keyUsage;
  if (ku && !ku.includes('digitalSignature')) {
    throw fail('unsupported_certificate', leaf, 'key usage does not include digitalSignature');
  }
  checkPurpose(leaf, options.purpose);
  if (options.serverName !== undefined) {
    const why = serverNameMismatch(leaf, options.serverName);
    if (why) throw fail('bad_certificate', leaf, why);
  }
}

/**
 * Checks that `issuer` may issue `child` at this point of the path, and verifies `child`'s signature with
 * `issuer`'s key. `below` is the number of non-self-issued intermediates between `issuer` and the leaf.
 */
function checkIssuer(issuer: Certificate, child: Certificate, below: number, isAnchor: boolean, options: VerifyOptions): void {
  checkValidity(issuer, options.now);
  const bc = issuer.extensions.basicConstraints;
  // A v1 trust anchor predates extensions; everything else that issues must assert cA (RFC 5280 §6.1.4 (k)).
  if (!(isAnchor && issuer.version === 1 && !bc) && !bc?.cA) {
    throw fail('bad_certificate', issuer, 'issuer is not a CA (basicConstraints cA is not set)');
  }
  if (bc?.pathLenConstraint !== undefined && below > bc.pathLenConstraint) {
    throw fail('bad_certificate', issuer, `path length constraint ${bc.pathLenConstraint} exceeded (${below} intermediates below)`);
  }
  const ku = issuer.extensions.keyUsage;
  if (ku && !ku.includes('keyCertSign')) throw fail('bad_certificate', issuer, 'issuer key usage does not include keyCertSign');
  if (!isAnchor) {
    const unknown = issuer.extensions.unknownCritical;
    if (unknown.length) throw fail('unsupported_certificate', issuer, `unknown critical extension ${unknown.join(', ')}`);
    checkPurpose(issuer, options.purpose);
  }
  if (!child.signatureAlgorithm) {
    throw fail('unsupported_certificate', child, `unsupported signature algorithm ${child.signatureAlgorithmOid}`);
  }
  if (!issuer.publicKey) {
    throw fail('unsupported_certificate', issuer, `unsupported public key algorithm ${issuer.publicKeyAlgorithmOid}`);
  }
  if (!options.provider.verify(child.signatureAlgorithm, issuer.publicKey, child.tbs, child.signature)) {
    throw fail('bad_certificate', child, `signature does not verify with the key of '${issuer.subject.text}'`);
  }
}

interface SearchState {
  readonly options: VerifyOptions;
  readonly presented: readonly Certificate[];
  readonly maxDepth: number;
  candidates: number;
  /** The failure seen at the greatest depth (the most informative one), and that depth. */
  best: { readonly error: TlsAlert; readonly depth: number } | undefined;
}

function record(state: SearchState, error: TlsAlert, depth: number): void {
  if (!state.best || depth > state.best.depth) state.best = { error, depth };
}

/** Extends `path` (leaf first) to a trust anchor; returns the full path or `undefined`. */
function extend(state: SearchState, path: Certificate[], below: number): Certificate[] | undefined {
  const current = path[path.length - 1]!;
  const depth = path.length;
  if (depth >= state.maxDepth) {
    record(state, fail('bad_certificate', current, `no trust anchor within ${state.maxDepth} certificates`), depth);
    return undefined;
  }
  const inPath = (c: Certificate) => path.some((p) => equal(p.der, c.der));
  const attempt = (issuer: Certificate, isAnchor: boolean): boolean => {
    if (++state.candidates > MAX_CANDIDATES) {
      throw fail('bad_certificate', current, `path building gave up after ${MAX_CANDIDATES} issuer candidates`);
    }
    try {
      checkIssuer(issuer, current, below, isAnchor, state.options);
      return true;
    } catch (e) {
      if (!(e instanceof TlsAlert)) throw e;
      record(state, e, depth + 1);
      return false;
    }
  };
  let tried = 0;
  // Trust anchors first: the shortest path wins.
  for (const anchor of state.options.trustStore.issuersOf(current)) {
    if (inPath(anchor)) continue;
    tried++;
    if (attempt(anchor, true)) return [...path, anchor];
  }
  for (const cand of state.presented) {
    if (!equal(cand.subject.der, current.issuer.der) || !keyIdsCompatible(current, cand) || inPath(cand)) continue;
    tried++;
    if (!attempt(cand, false)) continue;
    const full = extend(state, [...path, cand], below + (isSelfIssued(cand) ? 0 : 1));
    if (full) return full;
  }
  if (tried === 0) {
    record(state, fail('unknown_ca', current, `no trusted issuer found for '${current.issuer.text}'`), depth + 1);
  }
  return undefined;
}

/**
 * Verifies a certificate chain as a TLS peer presents it (leaf first, then intermediates in any order; extra
 * certificates are ignored) and returns the validated path from the leaf to a trust anchor. A leaf that is
 * itself in the trust store (a pinned or self-signed certificate) is a path of one.
 *
 * Checked: every signature (with `provider.verify` over tbsCertificate), every validity period at `now`,
 * basicConstraints cA and pathLenConstraint of every issuer, keyUsage keyCertSign of issuers and
 * digitalSignature of the leaf (when present), the extended key usage `purpose` (leaf, and intermediates that
 * list EKUs), unknown critical extensions (leaf and intermediates), and the leaf's subjectAltName against
 * `serverName`. Not checked: revocation, name constraints and policies (a certificate marking those critical is
 * refused as unsupported).
 *
 * Throws `TlsAlert` (see the table at the top of this module).
 *
 * @example
 * const path = verifyCertificateChain(peerCertificates, {
 *   trustStore, provider: nobleProvider, now: Date.now(), serverName: 'example.com', purpose: 'serverAuth',
 * });
 */
export function verifyCertificateChain(
  chain: readonly (Certificate | Uint8Array)[],
  options: VerifyOptions,
): Certificate[] {
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  if (!Number.isInteger(maxDepth) || maxDepth < 1) throw new RangeError(`maxDepth must be a positive integer, not ${maxDepth}`);
  if (!Number.isFinite(options.now)) throw new RangeError(`now must be a finite number, not ${options.now}`);
  if (chain.length === 0) throw new TlsAlert('bad_certificate', 'empty certificate chain');
  const certs = chain.map((c) => (c instanceof Uint8Array ? parseCertificate(c) : c));
  const leaf = certs[0]!;
  checkLeaf(leaf, options);
  if (options.trustStore.has(leaf)) return [leaf];
  const state: SearchState = { options, presented: certs.slice(1), maxDepth, candidates: 0, best: undefined };
  const path = extend(state, [leaf], 0);
  if (path) return path;
  const deepest = state.best;
  if (deepest) throw deepest.error;
  throw fail('unknown_ca', leaf, `no trusted issuer found for '${leaf.issuer.text}'`);
}
