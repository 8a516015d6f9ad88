/**
 * `fastestNodeProvider`: per primitive, whichever of {@link nodeProvider} and the pure-TypeScript code measured
 * faster on Node 20 (`pnpm bench`, figures in the README section "Crypto providers").
 *
 * - node:crypto: hashes, HMAC, HKDF (OpenSSL wins from ~64-byte inputs, and transcripts are longer), AEAD seal and
 *   open (about 6x faster per 1200-byte packet than @noble even with node's per-packet cipher object), key
 *   exchange (X25519, P-256, P-384; ML-KEM is @noble in both), signatures (ECDSA, Ed25519 and RSA are 5x to 15x
 *   faster in OpenSSL).
 * - Pure TypeScript: header protection. A mask is one AES block (or one ChaCha20 block); with the AES key expanded
 *   once, that is ~0.1 µs, while crossing into OpenSSL costs ~0.6 µs (AES-ECB `update`) or ~2.4 µs (a new
 *   `chacha20` cipher per mask).
 *
 * Exposed only through the `@qk/tls13/node` entry.
 *
 * @module
 */
import { aesHeaderProtection, chacha20HeaderProtection } from './noble.js';
import { nodeProvider } from './node.js';
import type { CryptoProvider } from './provider.js';

/**
 * The fastest {@link CryptoProvider} on Node: node:crypto except for header protection.
 *
 * @example
 * import { fastestNodeProvider } from '@qk/tls13/node';
 * const aead = fastestNodeProvider.aead('aes-128-gcm', key);
 * const packet = aead.seal(nonce, header, payload);
 */
export const fastestNodeProvider: CryptoProvider = {
  ...nodeProvider,
  name: 'fastest',
  headerProtection: (alg, key) =>
    alg === 'chacha20-poly1305' ? chacha20HeaderProtection(key) : aesHeaderProtection(alg, key),
};
