/**
 * AEAD usage limits (RFC 9001 §6.6). The confidentiality limit counts packets sealed with one key: an endpoint
 * must update keys before exceeding it. The integrity limit counts packets that failed authentication across
 * all keys of a connection: past it the connection closes with AEAD_LIMIT_REACHED.
 *
 * These are the limits for endpoints that do not restrict packet size (2^16-byte packets); RFC 9001 Appendix B
 * allows higher ones for endpoints that never send or accept packets over 2^11 bytes, which qk does not assume.
 *
 * @module
 */
import type { AeadAlgorithm } from '@qk/tls13';

/** The limits of one AEAD algorithm, with where they come from. */
export interface AeadLimit {
  /** Most packets one key may protect. */
  readonly confidentiality: number;
  /** Most packets that may fail authentication in a connection. */
  readonly integrity: number;
  /** The RFC text that sets the limits. */
  readonly source: string;
}

/**
 * AEAD limits by algorithm (RFC 9001 §6.6):
 * - AEAD_AES_128_GCM and AEAD_AES_256_GCM: 2^23 packets protected, 2^52 failed (Appendix B.1);
 * - AEAD_CHACHA20_POLY1305: no practical confidentiality limit (beyond the 2^62 packet numbers), 2^36 failed.
 */
export const AeadLimits = {
  'aes-128-gcm': { confidentiality: 2 ** 23, integrity: 2 ** 52, source: 'RFC 9001 §6.6, §B.1' },
  'aes-256-gcm': { confidentiality: 2 ** 23, integrity: 2 ** 52, source: 'RFC 9001 §6.6, §B.1' },
  'chacha20-poly1305': { confidentiality: 2 ** 62, integrity: 2 ** 36, source: 'RFC 9001 §6.6' },
} as const satisfies Readonly<Record<AeadAlgorithm, AeadLimit>>;

/** The usage limits of `aead` (RFC 9001 §6.6). */
export function aeadLimits(aead: AeadAlgorithm): AeadLimit {
  return AeadLimits[aead];
}
