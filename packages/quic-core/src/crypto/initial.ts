/**
 * Initial secrets and keys (RFC 9001 §5.2; RFC 9369 §3.3.1 for QUIC v2's salt).
 *
 * @module
 */
import { CipherSuite, cipherSuiteInfo, hkdfExpandLabel } from '@qk/tls13';
import type { CipherSuiteInfo, CryptoProvider } from '@qk/tls13';
import { derivePacketKeys, requireVersionParameters } from './keys.js';
import type { PacketKeys } from './keys.js';

const EMPTY = new Uint8Array(0);

/**
 * Initial packets are protected with AEAD_AES_128_GCM and AES header protection, and their secrets use SHA-256,
 * whatever suite TLS later negotiates (RFC 9001 §5.2, §5.4.1): TLS_AES_128_GCM_SHA256.
 */
export const INITIAL_CIPHER_SUITE: CipherSuiteInfo = (() => {
  const suite = cipherSuiteInfo(CipherSuite.TLS_AES_128_GCM_SHA256);
  if (suite === undefined) throw new Error('@qk/tls13 lacks TLS_AES_128_GCM_SHA256');
  return suite;
})();

/** The client's and the server's Initial secrets. */
export interface InitialSecrets {
  /** client_initial_secret: protects Initial packets the client sends. */
  readonly client: Uint8Array;
  /** server_initial_secret: protects Initial packets the server sends. */
  readonly server: Uint8Array;
}

/** Packet keys for both directions of the Initial encryption level. */
export interface InitialKeys {
  /** Keys for packets the client sends (the server opens with them). */
  readonly client: PacketKeys;
  /** Keys for packets the server sends (the client opens with them). */
  readonly server: PacketKeys;
}

/**
 * The Initial secrets for `version` and `dcid`, the Destination Connection ID of the client's first Initial
 * packet (or the one a Retry chose) (RFC 9001 §5.2):
 *
 * ```
 * initial_secret = HKDF-Extract(initial_salt, dcid)
 * client_initial_secret = HKDF-Expand-Label(initial_secret, "client in", "", 32)
 * server_initial_secret = HKDF-Expand-Label(initial_secret, "server in", "", 32)
 * ```
 *
 * Throws `RangeError` if qk does not speak `version`.
 *
 * @example
 * const { client, server } = initialSecrets(nobleProvider, QuicVersion.v1, dcid);
 */
export function initialSecrets(provider: CryptoProvider, version: number, dcid: Uint8Array): InitialSecrets {
  const { initialSalt } = requireVersionParameters(version);
  const hash = INITIAL_CIPHER_SUITE.hash;
  const initialSecret = provider.hkdfExtract(hash, initialSalt, dcid);
  const length = provider.hashLength(hash);
  return {
    client: hkdfExpandLabel(provider, hash, initialSecret, 'client in', EMPTY, length),
    server: hkdfExpandLabel(provider, hash, initialSecret, 'server in', EMPTY, length),
  };
}

/**
 * Packet keys for both directions of the Initial level: {@link initialSecrets} then `derivePacketKeys` with
 * TLS_AES_128_GCM_SHA256 and the version's labels. A client seals with `client` and opens with `server`; a
 * server the other way round.
 *
 * @example
 * const keys = initialKeys(nobleProvider, QuicVersion.v1, dcid);
 * const end = protectPacket(keys.client, datagram, 0, pnOffset, 0, payload);
 */
export function initialKeys(provider: CryptoProvider, version: number, dcid: Uint8Array): InitialKeys {
  const secrets = initialSecrets(provider, version, dcid);
  return {
    client: derivePacketKeys(provider, version, INITIAL_CIPHER_SUITE, secrets.client),
    server: derivePacketKeys(provider, version, INITIAL_CIPHER_SUITE, secrets.server),
  };
}
