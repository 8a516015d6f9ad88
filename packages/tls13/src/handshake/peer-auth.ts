/**
 * Certificate authentication both roles share (RFC 8446 §4.4.2 - §4.4.3): turning a Certificate message into
 * parsed certificates, running the default chain verification and the custom hook, and making and checking
 * CertificateVerify signatures.
 *
 * @module
 */
import type { PrivateKey } from '../crypto/keys.js';
import type { CryptoProvider } from '../crypto/provider.js';
import { TlsAlert } from '../errors.js';
import type { Certificate as CertificateMessage, CertificateVerify } from '../messages/authentication.js';
import { signatureSchemeInfo, signatureSchemeName } from '../registry.js';
import { parseCertificate, type Certificate } from '../x509/certificate.js';
import type { TrustStore } from '../x509/trust-store.js';
import { verifyCertificateChain, type CertificatePurpose } from '../x509/verify.js';
import type { CertificateVerifier } from './config.js';
import { certificateVerifyContent, handshakeSchemeFits } from './signature.js';

/**
 * Parses the chain of a non-empty Certificate message. Per-entry extensions are refused with
 * `unsupported_extension` (qk requests none: RFC 8446 §4.4.2 allows only responses to requests), unparseable
 * certificates are `bad_certificate`, a leaf key qk cannot use is `unsupported_certificate`.
 */
export function parseCertificateMessage(msg: CertificateMessage): Certificate[] {
  const chain: Certificate[] = [];
  for (const entry of msg.entries) {
    if (entry.extensions.length > 0) {
      throw new TlsAlert('unsupported_extension', 'unrequested extension in a CertificateEntry');
    }
    chain.push(parseCertificate(entry.data.slice()));
  }
  const leaf = chain[0];
  if (leaf === undefined) throw new TlsAlert('decode_error', 'empty certificate chain');
  if (leaf.publicKey === undefined) {
    throw new TlsAlert('unsupported_certificate', `unsupported public key algorithm ${leaf.publicKeyAlgorithmOid}`);
  }
  return chain;
}

/** How to verify a peer chain. */
export interface PeerVerification {
  /** Run {@link verifyCertificateChain} (needs `trustStore`). */
  readonly useDefault: boolean;
  readonly trustStore: TrustStore | undefined;
  readonly hook: CertificateVerifier | undefined;
  readonly purpose: CertificatePurpose;
  readonly serverName: string | undefined;
  readonly provider: CryptoProvider;
  readonly now: number;
}

/** Verifies `chain` (leaf first): the default verification, then the hook. Throws {@link TlsAlert}. */
export function verifyPeerChain(chain: readonly Certificate[], v: PeerVerification): void {
  if (v.useDefault) {
    if (v.trustStore === undefined) throw new TlsAlert('internal_error', 'no trust store to verify the peer');
    verifyCertificateChain(chain, {
      trustStore: v.trustStore,
      provider: v.provider,
      now: v.now,
      purpose: v.purpose,
      ...(v.serverName === undefined ? {} : { serverName: v.serverName }),
    });
  }
  if (v.hook !== undefined) {
    try {
      v.hook(chain, {
        peerRole: v.purpose === 'serverAuth' ? 'server' : 'client',
        ...(v.serverName === undefined ? {} : { serverName: v.serverName }),
        now: v.now,
        provider: v.provider,
      });
    } catch (e) {
      if (e instanceof TlsAlert) throw e;
      throw new TlsAlert('bad_certificate', `certificate rejected: ${e instanceof Error ? e.message : String(e)}`, {
        cause: e,
      });
    }
  }
}

/**
 * Checks a peer's CertificateVerify: the scheme must be one we offered and fit the leaf key (illegal_parameter),
 * and the signature must verify over the transcript (decrypt_error).
 */
export function checkCertificateVerify(
  provider: CryptoProvider,
  cv: CertificateVerify,
  leaf: Certificate,
  offered: readonly number[],
  signer: 'client' | 'server',
  transcriptHash: Uint8Array,
): void {
  const key = leaf.publicKey;
  const info = signatureSchemeInfo(cv.scheme);
  if (key === undefined || info === undefined || !offered.includes(cv.scheme)) {
    const name = signatureSchemeName(cv.scheme);
    throw new TlsAlert('illegal_parameter', `CertificateVerify with ${name}, which was not offered`);
  }
  if (!handshakeSchemeFits(cv.scheme, key)) {
    throw new TlsAlert('illegal_parameter', `${signatureSchemeName(cv.scheme)} does not fit the certificate's key`);
  }
  const content = certificateVerifyContent(signer, transcriptHash);
  if (!provider.verify(info.algorithm, key, content, cv.signature)) {
    throw new TlsAlert('decrypt_error', 'CertificateVerify signature does not verify');
  }
}

/** Makes a CertificateVerify with `scheme` (already checked to fit `key`). */
export function signCertificateVerify(
  provider: CryptoProvider,
  scheme: number,
  key: PrivateKey,
  signer: 'client' | 'server',
  transcriptHash: Uint8Array,
): CertificateVerify {
  const info = signatureSchemeInfo(scheme);
  if (info === undefined) throw new TlsAlert('internal_error', `no signature scheme 0x${scheme.toString(16)}`);
  const signature = provider.sign(info.algorithm, key, certificateVerifyContent(signer, transcriptHash));
  return { kind: 'certificate_verify', scheme, signature };
}

/** A Certificate message for `chain` (empty for none) with `context`. */
export function certificateMessage(context: Uint8Array, chain: readonly Certificate[]): CertificateMessage {
  return { kind: 'certificate', context, entries: chain.map((c) => ({ data: c.der, extensions: [] })) };
}
