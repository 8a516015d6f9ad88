/**
 * Node's bundled CA roots (Mozilla's NSS set, `tls.rootCertificates`) as a {@link TrustStore}. Node-only: exposed
 * through `@qk/tls13/node`, never from the sans-io barrel.
 */
import { rootCertificates } from 'node:tls'; // qk-allow-ambient: reads Node's bundled CA roots; exposed only through @qk/tls13/node
import { TlsAlert } from '../errors.js';
import { parseCertificateChainPem } from './certificate.js';
import { TrustStore } from './trust-store.js';

/** The outcome of loading Node's roots. */
export interface NodeRootsReport {
  /** The store of every root that parsed. */
  readonly store: TrustStore;
  /** How many roots Node ships. */
  readonly total: number;
  /** The roots that failed to parse, with the reason (they are left out of the store). */
  readonly skipped: readonly { readonly index: number; readonly reason: string }[];
}

let cached: NodeRootsReport | undefined;

/** Loads (once) Node's bundled roots and reports which ones were skipped. */
export function nodeRootsReport(): NodeRootsReport {
  if (cached) return cached;
  const store = new TrustStore();
  const skipped: { index: number; reason: string }[] = [];
  rootCertificates.forEach((pem, index) => {
    try {
      for (const cert of parseCertificateChainPem(pem)) store.add(cert);
    } catch (e) {
      if (!(e instanceof TlsAlert) && !(e instanceof TypeError)) throw e;
      skipped.push({ index, reason: e.message });
    }
  });
  cached = { store, total: rootCertificates.length, skipped };
  return cached;
}

/**
 * A {@link TrustStore} of Node's bundled CA roots (`tls.rootCertificates`), built lazily on first use and shared.
 * Roots that fail to parse are skipped; see {@link nodeRootsReport} for which.
 *
 * @example
 * verifyCertificateChain(chain, { trustStore: nodeRootStore(), provider, now: Date.now(), serverName, purpose: 'serverAuth' });
 */
export function nodeRootStore(): TrustStore {
  return nodeRootsReport().store;
}
