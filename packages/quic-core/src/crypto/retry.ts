/**
 * The Retry Integrity Tag (RFC 9001 §5.8; RFC 9369 §3.3.3 for QUIC v2's key and nonce).
 *
 * The tag is AEAD_AES_128_GCM over an empty plaintext with the Retry pseudo-packet as associated data:
 *
 * ```
 * Retry Pseudo-Packet {
 *   ODCID Length (8),
 *   Original Destination Connection ID (0..160),
 *   <the Retry packet without its tag>
 * }
 * ```
 *
 * @module
 */
import { Writer } from '@qk/octets';
import type { Aead, CryptoProvider } from '@qk/tls13';
import { requireVersionParameters } from './keys.js';

/** The Retry Integrity Tag is 128 bits (RFC 9001 §5.8). */
export const RETRY_INTEGRITY_TAG_LENGTH = 16;

/** Connection IDs are at most 20 bytes in QUIC v1 and v2 (RFC 9000 §17.2). */
const MAX_CID_LENGTH = 20;

const EMPTY = new Uint8Array(0);

/** Bound Retry AEADs per provider and version: the key is a constant, so bind it once. */
const retryAeads = new WeakMap<CryptoProvider, Map<number, Aead>>();

function retryAead(provider: CryptoProvider, version: number): { aead: Aead; nonce: Uint8Array } {
  const params = requireVersionParameters(version);
  let byVersion = retryAeads.get(provider);
  if (byVersion === undefined) {
    byVersion = new Map();
    retryAeads.set(provider, byVersion);
  }
  let aead = byVersion.get(version);
  if (aead === undefined) {
    aead = provider.aead('aes-128-gcm', params.retryKey);
    byVersion.set(version, aead);
  }
  return { aead, nonce: params.retryNonce };
}

function pseudoPacket(originalDcid: Uint8Array, retryWithoutTag: Uint8Array): Uint8Array {
  const w = new Writer(1 + originalDcid.length + retryWithoutTag.length);
  w.writeU8Bytes(originalDcid).writeBytes(retryWithoutTag);
  return w.finish();
}

/**
 * The Retry Integrity Tag for a Retry packet (everything before the tag: `retryWithoutTag`) answering an
 * Initial whose Destination Connection ID was `originalDcid` (RFC 9001 §5.8). Throws `RangeError` for an
 * unsupported `version` or an `originalDcid` longer than 20 bytes.
 */
export function retryIntegrityTag(
  provider: CryptoProvider,
  version: number,
  originalDcid: Uint8Array,
  retryWithoutTag: Uint8Array,
): Uint8Array {
  if (originalDcid.length > MAX_CID_LENGTH) {
    throw new RangeError(`retryIntegrityTag: original DCID of ${originalDcid.length} bytes exceeds 20`);
  }
  const { aead, nonce } = retryAead(provider, version);
  return aead.seal(nonce, pseudoPacket(originalDcid, retryWithoutTag), EMPTY);
}

/**
 * A complete Retry packet: `retryWithoutTag` followed by its Retry Integrity Tag (RFC 9001 §5.8).
 *
 * @example
 * const retry = sealRetryPacket(provider, QuicVersion.v1, clientInitialDcid, retryHeaderAndToken);
 */
export function sealRetryPacket(
  provider: CryptoProvider,
  version: number,
  originalDcid: Uint8Array,
  retryWithoutTag: Uint8Array,
): Uint8Array {
  const tag = retryIntegrityTag(provider, version, originalDcid, retryWithoutTag);
  const out = new Uint8Array(retryWithoutTag.length + tag.length);
  out.set(retryWithoutTag, 0);
  out.set(tag, retryWithoutTag.length);
  return out;
}

/**
 * True if the last 16 bytes of `retryPacket` are the Retry Integrity Tag for the rest of it and
 * `originalDcid`, the Destination Connection ID of the client's Initial (RFC 9001 §5.8). A client discards a
 * Retry that fails this check (RFC 9000 §17.2.5.2). Never throws for peer input: a packet shorter than a tag
 * is simply invalid. Throws `RangeError` only for an unsupported `version`.
 */
export function verifyRetryIntegrity(
  provider: CryptoProvider,
  version: number,
  originalDcid: Uint8Array,
  retryPacket: Uint8Array,
): boolean {
  const { aead, nonce } = retryAead(provider, version);
  if (retryPacket.length < RETRY_INTEGRITY_TAG_LENGTH || originalDcid.length > MAX_CID_LENGTH) return false;
  const split = retryPacket.length - RETRY_INTEGRITY_TAG_LENGTH;
  const aad = pseudoPacket(originalDcid, retryPacket.subarray(0, split));
  try {
    return aead.open(nonce, aad, retryPacket.subarray(split)) !== undefined;
  } catch {
    return false;
  }
}
