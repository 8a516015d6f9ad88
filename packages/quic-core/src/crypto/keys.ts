/**
 * Packet protection keys from a traffic secret (RFC 9001 §5.1) and key update (RFC 9001 §6), for QUIC v1 and
 * v2 (RFC 9369 §3.3.2: the labels become "quicv2 key", "quicv2 iv", "quicv2 hp", "quicv2 ku").
 *
 * @module
 */
import { hkdfExpandLabel } from '@qk/tls13';
import type { Aead, CipherSuiteInfo, CryptoProvider, HeaderProtection } from '@qk/tls13';
import { versionParameters } from '../versions.js';
import type { VersionParameters } from '../versions.js';

/** All uses of HKDF-Expand-Label in QUIC have a zero-length Context (RFC 9001 §5.1). */
const EMPTY = new Uint8Array(0);

/**
 * The packet protection state of one direction at one encryption level: the bound AEAD, its IV, and the bound
 * header-protection function (RFC 9001 §5.1). Built by {@link derivePacketKeys}; after a key update
 * ({@link nextGenerationKeys}) `aead` and `iv` change while `hp` stays the same object (RFC 9001 §5.4, §6.1).
 */
export interface PacketKeys {
  /** The AEAD bound to the "quic key" key (RFC 9001 §5.3). */
  readonly aead: Aead;
  /** The "quic iv" IV; the per-packet nonce is this XOR the left-padded packet number (RFC 9001 §5.3). */
  readonly iv: Uint8Array;
  /** The header-protection function bound to the "quic hp" key (RFC 9001 §5.4). */
  readonly hp: HeaderProtection;
  /** The cipher suite the keys belong to. */
  readonly suite: CipherSuiteInfo;
}

/** The raw key material behind {@link PacketKeys} (for vectors, key logs and qlog; keep it secret). */
export interface PacketKeyMaterial {
  /** The AEAD key ("quic key"), `suite.keyLength` bytes. */
  readonly key: Uint8Array;
  /** The AEAD IV ("quic iv"), `suite.ivLength` bytes. */
  readonly iv: Uint8Array;
  /** The header-protection key ("quic hp"), `suite.keyLength` bytes. */
  readonly hp: Uint8Array;
}

/**
 * The parameters of `version`; throws `RangeError` for a version qk does not speak (a caller bug: versions are
 * checked when a packet is parsed).
 */
export function requireVersionParameters(version: number): VersionParameters {
  const params = versionParameters(version);
  if (params === undefined) {
    throw new RangeError(`QUIC version 0x${(version >>> 0).toString(16).padStart(8, '0')} is not supported`);
  }
  return params;
}

/**
 * Derives the key, IV and header-protection key from a traffic `secret` with the version's labels
 * (RFC 9001 §5.1; RFC 9369 §3.3.2). Key lengths follow the suite's AEAD; the header-protection key has the
 * AEAD key's length (16 for AES-128, 32 for AES-256 and ChaCha20; RFC 9001 §5.4.3, §5.4.4).
 */
export function derivePacketKeyMaterial(
  provider: CryptoProvider,
  version: number,
  suite: CipherSuiteInfo,
  secret: Uint8Array,
): PacketKeyMaterial {
  const { labels } = requireVersionParameters(version);
  return {
    key: hkdfExpandLabel(provider, suite.hash, secret, labels.key, EMPTY, suite.keyLength),
    iv: hkdfExpandLabel(provider, suite.hash, secret, labels.iv, EMPTY, suite.ivLength),
    hp: hkdfExpandLabel(provider, suite.hash, secret, labels.hp, EMPTY, suite.keyLength),
  };
}

/**
 * Packet protection keys for one direction of one encryption level, from its traffic secret
 * (RFC 9001 §5.1).
 *
 * @example
 * const suite = cipherSuiteInfo(CipherSuite.TLS_AES_128_GCM_SHA256)!;
 * const keys = derivePacketKeys(nobleProvider, QuicVersion.v1, suite, clientHandshakeTrafficSecret);
 */
export function derivePacketKeys(
  provider: CryptoProvider,
  version: number,
  suite: CipherSuiteInfo,
  secret: Uint8Array,
): PacketKeys {
  const m = derivePacketKeyMaterial(provider, version, suite, secret);
  return {
    aead: provider.aead(suite.aead, m.key),
    iv: m.iv,
    hp: provider.headerProtection(suite.aead, m.hp),
    suite,
  };
}

/**
 * The next generation of a 1-RTT traffic secret for a key update:
 * `secret_<n+1> = HKDF-Expand-Label(secret_<n>, "quic ku", "", Hash.length)` (RFC 9001 §6.1; "quicv2 ku" in
 * RFC 9369 §3.3.2).
 */
export function nextGenerationSecret(
  provider: CryptoProvider,
  version: number,
  suite: CipherSuiteInfo,
  secret: Uint8Array,
): Uint8Array {
  const { labels } = requireVersionParameters(version);
  return hkdfExpandLabel(provider, suite.hash, secret, labels.ku, EMPTY, provider.hashLength(suite.hash));
}

/** A traffic secret together with the packet keys derived from it. */
export interface KeyGeneration {
  /** The traffic secret of this generation (input to the next key update). */
  readonly secret: Uint8Array;
  /** The packet keys of this generation. */
  readonly keys: PacketKeys;
}

/**
 * The next key generation after `current` (RFC 9001 §6.1): a new secret from "quic ku", a new AEAD key and IV
 * from it, and the same header-protection function, which a key update never changes (RFC 9001 §5.4, §6).
 */
export function nextGenerationKeys(
  provider: CryptoProvider,
  version: number,
  current: KeyGeneration,
): KeyGeneration {
  const { suite, hp } = current.keys;
  const secret = nextGenerationSecret(provider, version, suite, current.secret);
  const { labels } = requireVersionParameters(version);
  const key = hkdfExpandLabel(provider, suite.hash, secret, labels.key, EMPTY, suite.keyLength);
  const iv = hkdfExpandLabel(provider, suite.hash, secret, labels.iv, EMPTY, suite.ivLength);
  return { secret, keys: { aead: provider.aead(suite.aead, key), iv, hp, suite } };
}
