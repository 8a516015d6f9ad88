/**
 * CertificateVerify (RFC 8446 §4.4.3): the signed content, scheme selection, and the rule that a scheme fits the
 * key (TLS 1.3 binds ECDSA schemes to their curve, §4.2.3).
 *
 * @module
 */
import type { PrivateKey, PublicKey } from '../crypto/keys.js';
import { signatureSchemeInfo } from '../registry.js';

const SERVER_CONTEXT = new TextEncoder().encode('TLS 1.3, server CertificateVerify');
const CLIENT_CONTEXT = new TextEncoder().encode('TLS 1.3, client CertificateVerify');

/**
 * The content a CertificateVerify signs: 64 bytes of 0x20, the context string of the signer's role, a zero byte,
 * and Transcript-Hash(Handshake Context, Certificate).
 */
export function certificateVerifyContent(signer: 'client' | 'server', transcriptHash: Uint8Array): Uint8Array {
  const context = signer === 'server' ? SERVER_CONTEXT : CLIENT_CONTEXT;
  const out = new Uint8Array(64 + context.length + 1 + transcriptHash.length);
  out.fill(0x20, 0, 64);
  out.set(context, 64);
  out[64 + context.length] = 0;
  out.set(transcriptHash, 64 + context.length + 1);
  return out;
}

/**
 * True when `scheme` is a TLS 1.3 handshake scheme qk implements and it fits `key` (type, and curve for ECDSA).
 * RSA key sizes are the provider's policy (qk's providers refuse moduli under 2048 bits).
 */
export function handshakeSchemeFits(scheme: number, key: PublicKey | PrivateKey): boolean {
  const info = signatureSchemeInfo(scheme);
  if (info === undefined || !info.handshake || info.keyKind !== key.kind) return false;
  return key.kind !== 'ec' || info.curve === key.curve;
}

/**
 * The scheme to sign with: the first of `preference` that the peer offered and that fits `key`, or `undefined`.
 */
export function selectSignatureScheme(
  preference: readonly number[],
  peerOffered: readonly number[],
  key: PrivateKey,
): number | undefined {
  for (const s of preference) if (peerOffered.includes(s) && handshakeSchemeFits(s, key)) return s;
  return undefined;
}
