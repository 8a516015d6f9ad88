import type { PrivateKey, PublicKey } from './keys.js';

/** Hash functions used by TLS 1.3 cipher suites and signatures. */
export type HashAlgorithm = 'sha256' | 'sha384' | 'sha512';

/** AEAD algorithms of the three TLS 1.3 cipher suites QUIC uses. */
export type AeadAlgorithm = 'aes-128-gcm' | 'aes-256-gcm' | 'chacha20-poly1305';

/** Key-exchange groups (TLS NamedGroup), by lowercase RFC name. */
export type KeyExchangeGroup = 'x25519' | 'secp256r1' | 'secp384r1' | 'x25519mlkem768';

/**
 * A signature algorithm, independent of TLS code points: TLS 1.3 SignatureSchemes and X.509 signature OIDs both
 * map onto it. ECDSA signatures are DER-encoded (`Ecdsa-Sig-Value`), as TLS and X.509 carry them.
 */
export type SignatureAlgorithm =
  | { readonly kind: 'ecdsa'; readonly hash: HashAlgorithm }
  | { readonly kind: 'ed25519' }
  | { readonly kind: 'rsa-pss'; readonly hash: HashAlgorithm; readonly saltLength: number }
  | { readonly kind: 'rsa-pkcs1'; readonly hash: HashAlgorithm };

/** An AEAD with its key bound: seal and open take only the per-packet nonce and associated data. */
export interface Aead {
  readonly algorithm: AeadAlgorithm;
  /** Always 16 for the three suites. */
  readonly tagLength: number;
  /** Encrypts `plaintext`; returns ciphertext followed by the tag. */
  seal(nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array;
  /** Decrypts `ciphertext` (with its tag); returns the plaintext, or `undefined` if authentication fails. */
  open(nonce: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array): Uint8Array | undefined;
}

/** A QUIC header-protection function with its key bound (RFC 9001 §5.4). */
export interface HeaderProtection {
  /** The 5-byte mask for a 16-byte `sample`. */
  mask(sample: Uint8Array): Uint8Array;
}

/** The client's half of a key exchange: the private state and the key_share it sends. */
export interface KeyShare {
  readonly group: KeyExchangeGroup;
  /** The bytes of the client's KeyShareEntry.key_exchange. */
  readonly publicShare: Uint8Array;
  /** Opaque private state, passed back to {@link CryptoProvider.completeKeyExchange}. */
  readonly privateState: unknown;
}

/**
 * Every primitive TLS 1.3 and QUIC packet protection need. Implementations: `nobleProvider` (pure TypeScript,
 * runs everywhere, the default) and `nodeProvider` / `fastestNodeProvider` from `@qk/tls13/node`.
 *
 * Methods that take peer input (`acceptKeyExchange`, `completeKeyExchange`, `verify`, `Aead.open`) return
 * `undefined` or `false` for invalid input instead of throwing; the handshake turns that into the right alert.
 */
export interface CryptoProvider {
  /** A short name for logs and benchmarks, e.g. `noble` or `node`. */
  readonly name: string;

  /** Fills `out` with cryptographically secure random bytes and returns it. */
  random(out: Uint8Array): Uint8Array;

  /** Hash output length in bytes. */
  hashLength(alg: HashAlgorithm): number;
  /** One-shot hash. */
  hash(alg: HashAlgorithm, data: Uint8Array): Uint8Array;
  /** One-shot HMAC. */
  hmac(alg: HashAlgorithm, key: Uint8Array, data: Uint8Array): Uint8Array;
  /** HKDF-Extract (RFC 5869). */
  hkdfExtract(alg: HashAlgorithm, salt: Uint8Array, ikm: Uint8Array): Uint8Array;
  /** HKDF-Expand (RFC 5869). */
  hkdfExpand(alg: HashAlgorithm, prk: Uint8Array, info: Uint8Array, length: number): Uint8Array;

  /** Key length in bytes for `alg` (16, 32 or 32). */
  aeadKeyLength(alg: AeadAlgorithm): number;
  /** Binds an AEAD key. */
  aead(alg: AeadAlgorithm, key: Uint8Array): Aead;
  /** Binds a header-protection key: AES-ECB for the AES suites, ChaCha20 for ChaCha20-Poly1305. */
  headerProtection(alg: AeadAlgorithm, key: Uint8Array): HeaderProtection;

  /** Client: generates a key pair (or KEM key pair) for `group`. */
  generateKeyShare(group: KeyExchangeGroup): KeyShare;
  /**
   * Server: answers the client's share. ECDH: a fresh key pair and the shared secret; KEM: the encapsulation.
   * `undefined` if the client's share is invalid (wrong length, not on the curve, low order).
   */
  acceptKeyExchange(
    group: KeyExchangeGroup,
    clientShare: Uint8Array,
  ): { readonly publicShare: Uint8Array; readonly sharedSecret: Uint8Array } | undefined;
  /** Client: the shared secret from the server's share; `undefined` if that share is invalid. */
  completeKeyExchange(share: KeyShare, serverShare: Uint8Array): Uint8Array | undefined;

  /** Signs `message` (the provider hashes it as `alg` says). Throws `TypeError` if the key does not fit `alg`. */
  sign(alg: SignatureAlgorithm, key: PrivateKey, message: Uint8Array): Uint8Array;
  /** Verifies a signature over `message`; false for a bad signature or a key that does not fit `alg`. */
  verify(alg: SignatureAlgorithm, key: PublicKey, message: Uint8Array, signature: Uint8Array): boolean;
}
