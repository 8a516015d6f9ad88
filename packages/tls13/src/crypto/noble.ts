/**
 * `nobleProvider`: every primitive of {@link CryptoProvider} in pure TypeScript on the @noble libraries, so qk runs
 * unchanged in Node, browsers, Deno, Bun and workers. The default provider everywhere.
 *
 * - Hashes, HMAC, HKDF: @noble/hashes.
 * - AEAD: AES-GCM with the key schedule and GHASH tables built once per key (`aes-gcm.ts`, on @noble/ciphers'
 *   AES block), ChaCha20-Poly1305 from @noble/ciphers.
 * - Header protection (RFC 9001 §5.4.3, §5.4.4): one AES block with the key schedule expanded once when the key is
 *   bound (@noble/ciphers' `unsafe` single-block primitives), or one ChaCha20 block (`chacha20-block.ts`).
 * - Key exchange: X25519 and P-256/P-384 ECDH (@noble/curves), X25519MLKEM768 (@noble/post-quantum ML-KEM-768).
 * - Signatures: ECDSA and Ed25519 (@noble/curves), RSA-PSS and RSA PKCS#1 v1.5 (`rsa.ts`, bigint).
 *
 * @module
 */
import { unsafe as aesUnsafe } from '@noble/ciphers/aes.js';
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { p256, p384 } from '@noble/curves/nist.js';
import { expand as hkdfExpand, extract as hkdfExtract } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import { hybridAccept, hybridClientShare, hybridComplete } from './x25519mlkem768.js';
import { BoundAesGcm } from './aes-gcm.js';
import { chacha20HeaderMask, chacha20KeyWords } from './chacha20-block.js';
import { decodeEcdsaSignature, encodeEcdsaSignature } from './ecdsa-signature.js';
import type { PrivateKey, PublicKey } from './keys.js';
import type {
  Aead,
  AeadAlgorithm,
  CryptoProvider,
  HashAlgorithm,
  HeaderProtection,
  KeyExchangeGroup,
  KeyShare,
  SignatureAlgorithm,
} from './provider.js';
import { rsaSign, rsaVerify } from './rsa.js';

/** A source of cryptographically secure random bytes: fills `out` and returns it. */
export type RandomSource = (out: Uint8Array) => Uint8Array;

/** The largest request `crypto.getRandomValues` serves in one call. */
const GET_RANDOM_VALUES_MAX = 65536;

/** Fills `out` from the platform CSPRNG (Web Crypto `getRandomValues`, present in Node 20+, browsers, Deno, Bun). */
export function platformRandom(out: Uint8Array): Uint8Array {
  for (let at = 0; at < out.length; at += GET_RANDOM_VALUES_MAX) {
    // qk-allow-ambient: the default CryptoProvider is the one place that reads the platform CSPRNG
    globalThis.crypto.getRandomValues(out.subarray(at, Math.min(out.length, at + GET_RANDOM_VALUES_MAX)));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Hashes

const HASHES = { sha256, sha384, sha512 } as const;
const HASH_LENGTHS: Readonly<Record<HashAlgorithm, number>> = { sha256: 32, sha384: 48, sha512: 64 };

function hashFn(alg: HashAlgorithm): (typeof HASHES)[HashAlgorithm] {
  const h = HASHES[alg];
  if (h === undefined) throw new TypeError(`unsupported hash ${String(alg)}`);
  return h;
}

/** Key lengths of the AEADs (also the header-protection key lengths, RFC 9001 §5.4). */
export const AEAD_KEY_LENGTHS: Readonly<Record<AeadAlgorithm, number>> = {
  'aes-128-gcm': 16,
  'aes-256-gcm': 32,
  'chacha20-poly1305': 32,
};

/** Throws `RangeError` unless `key` has the length `alg` needs (`TypeError` for an unknown `alg`). */
export function checkAeadKey(alg: AeadAlgorithm, key: Uint8Array, what: string): void {
  const want = AEAD_KEY_LENGTHS[alg];
  if (want === undefined) throw new TypeError(`unsupported AEAD ${String(alg)}`);
  if (key.length !== want) throw new RangeError(`${what} key for ${alg} must be ${want} bytes, not ${key.length}`);
}

// ---------------------------------------------------------------------------------------------------------------
// AEAD and header protection

const TAG_LENGTH = 16;
const NONCE_LENGTH = 12;

function checkNonce(nonce: Uint8Array): void {
  if (nonce.length !== NONCE_LENGTH) throw new RangeError(`AEAD nonce must be 12 bytes, not ${nonce.length}`);
}

/** ChaCha20-Poly1305 on @noble/ciphers (no per-key setup worth caching: the Poly1305 key is per nonce). */
class NobleChaChaPoly implements Aead {
  readonly algorithm = 'chacha20-poly1305';
  readonly tagLength = TAG_LENGTH;
  readonly #key: Uint8Array;

  constructor(key: Uint8Array) {
    checkAeadKey('chacha20-poly1305', key, 'AEAD');
    this.#key = key.slice();
  }

  seal(nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array {
    checkNonce(nonce);
    return chacha20poly1305(this.#key, nonce, aad).encrypt(plaintext);
  }

  open(nonce: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array): Uint8Array | undefined {
    checkNonce(nonce);
    if (ciphertext.length < TAG_LENGTH) return undefined;
    try {
      return chacha20poly1305(this.#key, nonce, aad).decrypt(ciphertext);
    } catch {
      return undefined;
    }
  }
}

/** The pure-TypeScript AEAD: bound-key AES-GCM (`aes-gcm.ts`) or @noble's ChaCha20-Poly1305. */
function nobleAead(alg: AeadAlgorithm, key: Uint8Array): Aead {
  if (alg === 'chacha20-poly1305') return new NobleChaChaPoly(key);
  checkAeadKey(alg, key, 'AEAD');
  return new BoundAesGcm(alg, key);
}

/** Checks a header-protection sample (RFC 9001 §5.4.2: 16 bytes; longer input is read up to its 16th byte). */
export function checkSample(sample: Uint8Array): void {
  if (sample.length < 16) throw new RangeError(`header-protection sample must be 16 bytes, not ${sample.length}`);
}

function loadLE32(b: Uint8Array, at: number): number {
  return b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24);
}

/**
 * AES header protection (RFC 9001 §5.4.3): mask = AES-ECB(hp_key, sample)[0..5]. The key is expanded once; each
 * mask is one block encryption on four words, with no intermediate buffers.
 */
class NobleAesHeaderProtection implements HeaderProtection {
  readonly #xk: Uint32Array;

  constructor(alg: AeadAlgorithm, key: Uint8Array) {
    checkAeadKey(alg, key, 'header-protection');
    this.#xk = aesUnsafe.expandKeyLE(key.slice());
  }

  mask(sample: Uint8Array): Uint8Array {
    checkSample(sample);
    // The expanded key works on little-endian words of the block (noble's convention on every host).
    const { s0, s1 } = aesUnsafe.encrypt(
      this.#xk,
      loadLE32(sample, 0),
      loadLE32(sample, 4),
      loadLE32(sample, 8),
      loadLE32(sample, 12),
    );
    const out = new Uint8Array(5);
    out[0] = s0 & 0xff;
    out[1] = (s0 >>> 8) & 0xff;
    out[2] = (s0 >>> 16) & 0xff;
    out[3] = s0 >>> 24;
    out[4] = s1 & 0xff;
    return out;
  }
}

/** ChaCha20 header protection (RFC 9001 §5.4.4). */
class ChaChaHeaderProtection implements HeaderProtection {
  readonly #key: Uint32Array;

  constructor(key: Uint8Array) {
    checkAeadKey('chacha20-poly1305', key, 'header-protection');
    this.#key = chacha20KeyWords(key);
  }

  mask(sample: Uint8Array): Uint8Array {
    return chacha20HeaderMask(this.#key, sample);
  }
}

/** The pure-TypeScript ChaCha20 header protection, shared by the providers (node's is no faster for one block). */
export function chacha20HeaderProtection(key: Uint8Array): HeaderProtection {
  return new ChaChaHeaderProtection(key);
}

/** The pure-TypeScript AES header protection (one block with a pre-expanded key), shared by the providers. */
export function aesHeaderProtection(alg: AeadAlgorithm, key: Uint8Array): HeaderProtection {
  return new NobleAesHeaderProtection(alg, key);
}

// ---------------------------------------------------------------------------------------------------------------
// Key exchange

/** Sizes of the X25519MLKEM768 shares (draft-ietf-tls-ecdhe-mlkem §3). */
export const X25519MLKEM768 = {
  /** IANA NamedGroup code point. */
  codePoint: 0x11ec,
  /** ML-KEM-768 encapsulation key. */
  mlkemPublicKeyLength: 1184,
  /** ML-KEM-768 ciphertext. */
  mlkemCiphertextLength: 1088,
  /** X25519 public key. */
  x25519Length: 32,
  /** Client share: ML-KEM-768 encapsulation key || X25519 share. */
  clientShareLength: 1184 + 32,
  /** Server share: ML-KEM-768 ciphertext || X25519 share. */
  serverShareLength: 1088 + 32,
  /** Shared secret: ML-KEM shared secret (32) || X25519 shared secret (32). */
  sharedSecretLength: 64,
} as const;

/** Private state of a key share, kept opaque to callers; a class so a share from another provider is recognized. */
class NoblePrivateState {
  constructor(
    readonly group: KeyExchangeGroup,
    /** The X25519 or ECDH secret key (for the hybrid: its X25519 half). */
    readonly secretKey: Uint8Array,
    /** The ML-KEM-768 decapsulation key of the hybrid. */
    readonly mlkemSecretKey?: Uint8Array,
  ) {}
}

const WEIERSTRASS = { secp256r1: p256, secp384r1: p384 } as const;
const FIELD_LENGTH = { secp256r1: 32, secp384r1: 48 } as const;

function isAllZero(b: Uint8Array): boolean {
  let acc = 0;
  for (let i = 0; i < b.length; i++) acc |= b[i]!;
  return acc === 0;
}

/** X25519(secret, peer), or `undefined` for a wrong-length share or an all-zero result (RFC 8446 §7.4.2). */
function x25519Shared(secretKey: Uint8Array, peer: Uint8Array): Uint8Array | undefined {
  if (peer.length !== 32) return undefined;
  let shared: Uint8Array;
  try {
    // scalarMult, not getSharedSecret: the all-zero check below is the RFC's and applies to every input.
    shared = x25519.scalarMult(secretKey, peer);
  } catch {
    return undefined;
  }
  return isAllZero(shared) ? undefined : shared;
}

/** ECDH on a NIST curve: the x coordinate, or `undefined` if `peer` is not an uncompressed point on the curve. */
function ecdhShared(group: 'secp256r1' | 'secp384r1', secretKey: Uint8Array, peer: Uint8Array): Uint8Array | undefined {
  const size = FIELD_LENGTH[group];
  if (peer.length !== 1 + 2 * size || peer[0] !== 0x04) return undefined;
  try {
    // Compressed output = 0x02/0x03 || x; TLS uses x alone (RFC 8446 §7.4.2).
    return WEIERSTRASS[group].getSharedSecret(secretKey, peer, true).subarray(1);
  } catch {
    return undefined;
  }
}

/** Key exchange on @noble, with every secret drawn from `random`. */
function nobleKeyExchange(random: RandomSource): Pick<
  CryptoProvider,
  'generateKeyShare' | 'acceptKeyExchange' | 'completeKeyExchange'
> {
  const x25519KeyPair = (): { secretKey: Uint8Array; publicKey: Uint8Array } => {
    const secretKey = random(new Uint8Array(32));
    return { secretKey, publicKey: x25519.scalarMultBase(secretKey) };
  };
  const ecKeyPair = (group: 'secp256r1' | 'secp384r1'): { secretKey: Uint8Array; publicKey: Uint8Array } => {
    const curve = WEIERSTRASS[group];
    // randomSecretKey reduces a seed of field length + 16 bytes into [1, n-1] (FIPS 186-5 A.2.1).
    const secretKey = curve.utils.randomSecretKey(random(new Uint8Array(curve.lengths.seed!)));
    return { secretKey, publicKey: curve.getPublicKey(secretKey, false) };
  };

  return {
    generateKeyShare(group: KeyExchangeGroup): KeyShare {
      switch (group) {
        case 'x25519': {
          const kp = x25519KeyPair();
          return { group, publicShare: kp.publicKey, privateState: new NoblePrivateState(group, kp.secretKey) };
        }
        case 'secp256r1':
        case 'secp384r1': {
          const kp = ecKeyPair(group);
          return { group, publicShare: kp.publicKey, privateState: new NoblePrivateState(group, kp.secretKey) };
        }
        case 'x25519mlkem768': {
          const x = x25519KeyPair();
          const h = hybridClientShare(random, x.publicKey);
          return { group, publicShare: h.publicShare, privateState: new NoblePrivateState(group, x.secretKey, h.mlkemSecretKey) };
        }
        default:
          throw new TypeError(`unsupported key-exchange group ${String(group)}`);
      }
    },

    acceptKeyExchange(group: KeyExchangeGroup, clientShare: Uint8Array) {
      switch (group) {
        case 'x25519': {
          const kp = x25519KeyPair();
          const sharedSecret = x25519Shared(kp.secretKey, clientShare);
          return sharedSecret && { publicShare: kp.publicKey, sharedSecret };
        }
        case 'secp256r1':
        case 'secp384r1': {
          const kp = ecKeyPair(group);
          const sharedSecret = ecdhShared(group, kp.secretKey, clientShare);
          return sharedSecret && { publicShare: kp.publicKey, sharedSecret };
        }
        case 'x25519mlkem768':
          return hybridAccept(random, clientShare, (peer) => {
            const kp = x25519KeyPair();
            const shared = x25519Shared(kp.secretKey, peer);
            return shared && { publicKey: kp.publicKey, shared };
          });
        default:
          return undefined;
      }
    },

    completeKeyExchange(share: KeyShare, serverShare: Uint8Array): Uint8Array | undefined {
      const state = share.privateState;
      if (!(state instanceof NoblePrivateState) || state.group !== share.group) {
        throw new TypeError('completeKeyExchange: the share was not made by this provider');
      }
      switch (state.group) {
        case 'x25519':
          return x25519Shared(state.secretKey, serverShare);
        case 'secp256r1':
        case 'secp384r1':
          return ecdhShared(state.group, state.secretKey, serverShare);
        case 'x25519mlkem768':
          return hybridComplete(serverShare, state.mlkemSecretKey!, (peer) => x25519Shared(state.secretKey, peer));
      }
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Signatures

const CURVES = { 'P-256': p256, 'P-384': p384 } as const;
const CURVE_SIZES = { 'P-256': 32, 'P-384': 48 } as const;

function keyMismatch(alg: SignatureAlgorithm, kind: string): TypeError {
  return new TypeError(`a ${kind} key cannot sign with ${alg.kind}`);
}

function nobleSign(
  p: Pick<CryptoProvider, 'hash' | 'hashLength' | 'random'>,
  alg: SignatureAlgorithm,
  key: PrivateKey,
  message: Uint8Array,
): Uint8Array {
  switch (alg.kind) {
    case 'ecdsa': {
      if (key.kind !== 'ec') throw keyMismatch(alg, key.kind);
      const curve = CURVES[key.curve];
      if (curve === undefined) throw new TypeError(`unsupported curve ${String(key.curve)}`);
      const digest = p.hash(alg.hash, message);
      // Hedged RFC 6979 nonces (extra entropy from the provider); TLS accepts either S half, so keep low-S.
      const rs = curve.sign(digest, key.d, { prehash: false, format: 'compact', extraEntropy: p.random(new Uint8Array(32)) });
      return encodeEcdsaSignature(rs);
    }
    case 'ed25519':
      if (key.kind !== 'ed25519') throw keyMismatch(alg, key.kind);
      return ed25519.sign(message, key.seed);
    case 'rsa-pss':
    case 'rsa-pkcs1':
      if (key.kind !== 'rsa') throw keyMismatch(alg, key.kind);
      return rsaSign(p, alg, key, message);
    default:
      throw new TypeError(`unsupported signature algorithm ${String((alg as { kind: unknown }).kind)}`);
  }
}

function nobleVerify(
  p: Pick<CryptoProvider, 'hash' | 'hashLength' | 'random'>,
  alg: SignatureAlgorithm,
  key: PublicKey,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  try {
    switch (alg.kind) {
      case 'ecdsa': {
        if (key.kind !== 'ec') return false;
        const curve = CURVES[key.curve];
        if (curve === undefined) return false;
        const rs = decodeEcdsaSignature(signature, CURVE_SIZES[key.curve]);
        const digest = p.hash(alg.hash, message);
        return curve.verify(rs, digest, key.point, { prehash: false, lowS: false, format: 'compact' });
      }
      case 'ed25519':
        if (key.kind !== 'ed25519' || signature.length !== 64 || key.key.length !== 32) return false;
        // zip215: false = RFC 8032 §5.1.7 strict decoding (canonical A and R), as OpenSSL verifies.
        return ed25519.verify(signature, message, key.key, { zip215: false });
      case 'rsa-pss':
      case 'rsa-pkcs1':
        if (key.kind !== 'rsa') return false;
        return rsaVerify(p, alg, key, message, signature);
      default:
        return false;
    }
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The provider

/** Options of {@link createNobleProvider}. */
export interface NobleProviderOptions {
  /**
   * The randomness for key shares, PSS salts, RSA blinding and ECDSA hedging. Defaults to the platform CSPRNG.
   * Tests and simulations inject a seeded source to make handshakes reproducible.
   */
  readonly random?: RandomSource;
  /** The provider's name in logs and benchmarks (default `noble`). */
  readonly name?: string;
}

/**
 * A pure-TypeScript {@link CryptoProvider} on @noble/*, with its randomness injectable.
 *
 * @example
 * const seeded = createNobleProvider({ random: (out) => myDeterministicBytes(out) });
 */
export function createNobleProvider(options: NobleProviderOptions = {}): CryptoProvider {
  const random = options.random ?? platformRandom;
  const primitives = {
    random,
    hash: (alg: HashAlgorithm, data: Uint8Array): Uint8Array => hashFn(alg)(data),
    hashLength: (alg: HashAlgorithm): number => {
      const n = HASH_LENGTHS[alg];
      if (n === undefined) throw new TypeError(`unsupported hash ${String(alg)}`);
      return n;
    },
  };
  return {
    name: options.name ?? 'noble',
    random,
    hashLength: primitives.hashLength,
    hash: primitives.hash,
    hmac: (alg, key, data) => hmac(hashFn(alg), key, data),
    hkdfExtract: (alg, salt, ikm) => hkdfExtract(hashFn(alg), ikm, salt),
    hkdfExpand: (alg, prk, info, length) => hkdfExpand(hashFn(alg), prk, info, length),
    aeadKeyLength: (alg) => {
      const n = AEAD_KEY_LENGTHS[alg];
      if (n === undefined) throw new TypeError(`unsupported AEAD ${String(alg)}`);
      return n;
    },
    aead: nobleAead,
    headerProtection: (alg, key) =>
      alg === 'chacha20-poly1305' ? new ChaChaHeaderProtection(key) : new NobleAesHeaderProtection(alg, key),
    ...nobleKeyExchange(random),
    sign: (alg, key, message) => nobleSign(primitives, alg, key, message),
    verify: (alg, key, message, signature) => nobleVerify(primitives, alg, key, message, signature),
  };
}

/**
 * The default {@link CryptoProvider}: pure TypeScript on @noble/*, randomness from the platform CSPRNG.
 *
 * @example
 * const share = nobleProvider.generateKeyShare('x25519mlkem768');
 * const mask = nobleProvider.headerProtection('aes-128-gcm', hpKey).mask(sample);
 */
export const nobleProvider: CryptoProvider = createNobleProvider();
