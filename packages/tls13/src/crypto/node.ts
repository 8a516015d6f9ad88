/**
 * `nodeProvider`: {@link CryptoProvider} on node:crypto (OpenSSL). Exposed only through the `@qk/tls13/node` entry,
 * so that browser bundles never load node:crypto.
 *
 * - AEAD: a new `createCipheriv` / `createDecipheriv` object per packet (node's ciphers cannot be re-keyed with a
 *   new nonce), tag through `getAuthTag` / `setAuthTag`.
 * - Header protection: one `aes-*-ecb` cipher without padding, created at bind time and reused (ECB keeps no state
 *   between whole blocks); ChaCha20 through the `chacha20` cipher, whose 16-byte IV is counter (LE) || nonce,
 *   exactly the layout of the sample (RFC 9001 §5.4.4).
 * - Key exchange: X25519 with KeyObjects and `diffieHellman`, P-256/P-384 with `createECDH`; ML-KEM is not in
 *   Node 20, so X25519MLKEM768 takes its KEM half from @noble/post-quantum.
 * - Signatures: KeyObjects built once from the keys' PKCS#8 / SPKI DER and cached in a WeakMap.
 *
 * Node returns `Buffer`s; every output here is re-wrapped as a plain `Uint8Array` view (no copy), so callers never
 * meet Buffer's aliasing `slice`.
 *
 * @module
 */
import {
  constants,
  createCipheriv,
  createDecipheriv,
  createECDH,
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  randomFillSync, // qk-allow-ambient: the node provider's random source (nodeRandom) reads OpenSSL's CSPRNG
  sign as nodeSign,
  verify as nodeVerify,
  type Cipher,
  type CipherGCMTypes,
  type KeyObject,
} from 'node:crypto';
import { hybridAccept, hybridClientShare, hybridComplete } from './x25519mlkem768.js';
import { decodeEcdsaSignature } from './ecdsa-signature.js';
import type { PrivateKey, PublicKey } from './keys.js';
import { AEAD_KEY_LENGTHS, X25519MLKEM768, checkAeadKey, checkSample } from './noble.js';
import type {
  Aead,
  AeadAlgorithm,
  CryptoProvider,
  HashAlgorithm,
  HeaderProtection,
  KeyExchangeGroup,
  KeyShare,
} from './provider.js';
import { RSA_MAX_MODULUS_BITS, RSA_MIN_MODULUS_BITS, bitLength } from './rsa.js';

/** A plain `Uint8Array` view of a Buffer's bytes (no copy). */
function u8(b: Uint8Array): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

const HASH_LENGTHS: Readonly<Record<HashAlgorithm, number>> = { sha256: 32, sha384: 48, sha512: 64 };

function hashLength(alg: HashAlgorithm): number {
  const n = HASH_LENGTHS[alg];
  if (n === undefined) throw new TypeError(`unsupported hash ${String(alg)}`);
  return n;
}

/** HKDF-Expand (RFC 5869 §2.3) on HMAC; node's `hkdfSync` always extracts first, so expand is written out. */
function nodeHkdfExpand(alg: HashAlgorithm, prk: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  const hLen = hashLength(alg);
  if (!Number.isInteger(length) || length < 0 || length > 255 * hLen) {
    throw new RangeError(`HKDF-Expand length ${length} exceeds 255 * ${hLen}`);
  }
  const out = new Uint8Array(length);
  let t: Uint8Array = new Uint8Array(0);
  const counter = new Uint8Array(1);
  for (let i = 1, at = 0; at < length; i++, at += hLen) {
    counter[0] = i;
    t = createHmac(alg, prk).update(t).update(info).update(counter).digest();
    out.set(t.subarray(0, Math.min(hLen, length - at)), at);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// AEAD

const TAG_LENGTH = 16;

/**
 * The node cipher name. Typed as a GCM name because @types/node splits the overloads by mode, while
 * `chacha20-poly1305` takes the same options and calls at run time.
 */
function nodeCipherName(alg: AeadAlgorithm): CipherGCMTypes {
  if (AEAD_KEY_LENGTHS[alg] === undefined) throw new TypeError(`unsupported AEAD ${String(alg)}`);
  return alg as CipherGCMTypes;
}

class NodeAead implements Aead {
  readonly tagLength = TAG_LENGTH;
  readonly #cipher: CipherGCMTypes;
  readonly #key: Uint8Array;

  constructor(
    readonly algorithm: AeadAlgorithm,
    key: Uint8Array,
  ) {
    checkAeadKey(algorithm, key, 'AEAD');
    this.#cipher = nodeCipherName(algorithm);
    this.#key = key.slice();
  }

  seal(nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array {
    if (nonce.length !== 12) throw new RangeError(`AEAD nonce must be 12 bytes, not ${nonce.length}`);
    const c = createCipheriv(this.#cipher, this.#key, nonce, { authTagLength: TAG_LENGTH });
    c.setAAD(aad);
    const out = new Uint8Array(plaintext.length + TAG_LENGTH);
    const body = c.update(plaintext);
    out.set(body, 0);
    const rest = c.final();
    if (rest.length !== 0) out.set(rest, body.length);
    out.set(c.getAuthTag(), plaintext.length);
    return out;
  }

  open(nonce: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array): Uint8Array | undefined {
    if (nonce.length !== 12) throw new RangeError(`AEAD nonce must be 12 bytes, not ${nonce.length}`);
    if (ciphertext.length < TAG_LENGTH) return undefined;
    const bodyLength = ciphertext.length - TAG_LENGTH;
    const d = createDecipheriv(this.#cipher, this.#key, nonce, { authTagLength: TAG_LENGTH });
    d.setAuthTag(ciphertext.subarray(bodyLength));
    d.setAAD(aad);
    const body = d.update(ciphertext.subarray(0, bodyLength));
    try {
      const rest = d.final();
      if (rest.length === 0) return u8(body);
      const out = new Uint8Array(bodyLength);
      out.set(body, 0);
      out.set(rest, body.length);
      return out;
    } catch {
      return undefined;
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Header protection

/** AES header protection with a reused ECB cipher: mask = AES(hp_key, sample)[0..5] (RFC 9001 §5.4.3). */
class NodeAesHeaderProtection implements HeaderProtection {
  readonly #ecb: Cipher;

  constructor(alg: AeadAlgorithm, key: Uint8Array) {
    checkAeadKey(alg, key, 'header-protection');
    this.#ecb = createCipheriv(alg === 'aes-128-gcm' ? 'aes-128-ecb' : 'aes-256-ecb', key, null).setAutoPadding(false);
  }

  mask(sample: Uint8Array): Uint8Array {
    checkSample(sample);
    return u8(this.#ecb.update(sample.subarray(0, 16)).subarray(0, 5));
  }
}

const FIVE_ZEROS = new Uint8Array(5);

/** ChaCha20 header protection through node's `chacha20` cipher, IV = the sample (RFC 9001 §5.4.4). */
class NodeChaChaHeaderProtection implements HeaderProtection {
  readonly #key: Uint8Array;

  constructor(key: Uint8Array) {
    checkAeadKey('chacha20-poly1305', key, 'header-protection');
    this.#key = key.slice();
  }

  mask(sample: Uint8Array): Uint8Array {
    checkSample(sample);
    return u8(createCipheriv('chacha20', this.#key, sample.subarray(0, 16)).update(FIVE_ZEROS));
  }
}

/** Node's AES-ECB header protection (exported for `fastest.ts` and the benchmarks). */
export function nodeAesHeaderProtection(alg: AeadAlgorithm, key: Uint8Array): HeaderProtection {
  return new NodeAesHeaderProtection(alg, key);
}

/** Node's ChaCha20 header protection (exported for `fastest.ts` and the benchmarks). */
export function nodeChaChaHeaderProtection(key: Uint8Array): HeaderProtection {
  return new NodeChaChaHeaderProtection(key);
}

// ---------------------------------------------------------------------------------------------------------------
// Key exchange

const EC_CURVE_NAMES = { secp256r1: 'prime256v1', secp384r1: 'secp384r1' } as const;
const EC_SHARE_LENGTHS = { secp256r1: 65, secp384r1: 97 } as const;

/** Private state of a key share; a class so a share from another provider is recognized. */
class NodePrivateState {
  constructor(
    readonly group: KeyExchangeGroup,
    /** X25519 private key (for the hybrid: its X25519 half). */
    readonly privateKey?: KeyObject,
    /** ECDH state for the NIST curves. */
    readonly ecdh?: ReturnType<typeof createECDH>,
    /** The ML-KEM-768 decapsulation key of the hybrid. */
    readonly mlkemSecretKey?: Uint8Array,
  ) {}
}

function base64url(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64url');
}

function fromBase64url(s: string): Uint8Array {
  return u8(Buffer.from(s, 'base64url'));
}

function x25519Generate(): { privateKey: KeyObject; publicShare: Uint8Array } {
  const { privateKey, publicKey } = generateKeyPairSync('x25519');
  const jwk = publicKey.export({ format: 'jwk' });
  return { privateKey, publicShare: fromBase64url(jwk.x!) };
}

function isAllZero(b: Uint8Array): boolean {
  let acc = 0;
  for (let i = 0; i < b.length; i++) acc |= b[i]!;
  return acc === 0;
}

/** X25519 with a peer's raw 32-byte share; `undefined` for a bad share or an all-zero secret. */
function x25519Derive(privateKey: KeyObject, peer: Uint8Array): Uint8Array | undefined {
  if (peer.length !== 32) return undefined;
  try {
    const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: base64url(peer) }, format: 'jwk' });
    const shared = u8(diffieHellman({ privateKey, publicKey }));
    return isAllZero(shared) ? undefined : shared;
  } catch {
    return undefined;
  }
}

/** ECDH on a NIST curve with an uncompressed peer point; `undefined` if it is malformed or off the curve. */
function ecdhDerive(group: 'secp256r1' | 'secp384r1', ecdh: ReturnType<typeof createECDH>, peer: Uint8Array) {
  if (peer.length !== EC_SHARE_LENGTHS[group] || peer[0] !== 0x04) return undefined;
  try {
    return u8(ecdh.computeSecret(peer));
  } catch {
    return undefined;
  }
}

function nodeKeyExchange(
  random: (out: Uint8Array) => Uint8Array,
): Pick<CryptoProvider, 'generateKeyShare' | 'acceptKeyExchange' | 'completeKeyExchange'> {
  return {
    generateKeyShare(group: KeyExchangeGroup): KeyShare {
      switch (group) {
        case 'x25519': {
          const { privateKey, publicShare } = x25519Generate();
          return { group, publicShare, privateState: new NodePrivateState(group, privateKey) };
        }
        case 'secp256r1':
        case 'secp384r1': {
          const ecdh = createECDH(EC_CURVE_NAMES[group]);
          const publicShare = u8(ecdh.generateKeys());
          return { group, publicShare, privateState: new NodePrivateState(group, undefined, ecdh) };
        }
        case 'x25519mlkem768': {
          const x = x25519Generate();
          const h = hybridClientShare(random, x.publicShare);
          const state = new NodePrivateState(group, x.privateKey, undefined, h.mlkemSecretKey);
          return { group, publicShare: h.publicShare, privateState: state };
        }
        default:
          throw new TypeError(`unsupported key-exchange group ${String(group)}`);
      }
    },

    acceptKeyExchange(group: KeyExchangeGroup, clientShare: Uint8Array) {
      switch (group) {
        case 'x25519': {
          if (clientShare.length !== 32) return undefined;
          const { privateKey, publicShare } = x25519Generate();
          const sharedSecret = x25519Derive(privateKey, clientShare);
          return sharedSecret && { publicShare, sharedSecret };
        }
        case 'secp256r1':
        case 'secp384r1': {
          if (clientShare.length !== EC_SHARE_LENGTHS[group]) return undefined;
          const ecdh = createECDH(EC_CURVE_NAMES[group]);
          const publicShare = u8(ecdh.generateKeys());
          const sharedSecret = ecdhDerive(group, ecdh, clientShare);
          return sharedSecret && { publicShare, sharedSecret };
        }
        case 'x25519mlkem768':
          return hybridAccept(random, clientShare, (peer) => {
            const x = x25519Generate();
            const shared = x25519Derive(x.privateKey, peer);
            return shared && { publicKey: x.publicShare, shared };
          });
        default:
          return undefined;
      }
    },

    completeKeyExchange(share: KeyShare, serverShare: Uint8Array): Uint8Array | undefined {
      const state = share.privateState;
      if (!(state instanceof NodePrivateState) || state.group !== share.group) {
        throw new TypeError('completeKeyExchange: the share was not made by this provider');
      }
      switch (state.group) {
        case 'x25519':
          return x25519Derive(state.privateKey!, serverShare);
        case 'secp256r1':
        case 'secp384r1':
          return ecdhDerive(state.group, state.ecdh!, serverShare);
        case 'x25519mlkem768':
          return hybridComplete(serverShare, state.mlkemSecretKey!, (peer) => x25519Derive(state.privateKey!, peer));
      }
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Signatures

const privateKeyObjects = new WeakMap<PrivateKey, KeyObject>();
const publicKeyObjects = new WeakMap<PublicKey, KeyObject>();

function privateKeyObject(key: PrivateKey): KeyObject {
  let ko = privateKeyObjects.get(key);
  if (ko === undefined) {
    try {
      ko = createPrivateKey({ key: Buffer.from(key.pkcs8.buffer, key.pkcs8.byteOffset, key.pkcs8.byteLength), format: 'der', type: 'pkcs8' });
    } catch (cause) {
      throw new TypeError('the private key PKCS#8 DER could not be imported', { cause });
    }
    privateKeyObjects.set(key, ko);
  }
  return ko;
}

function publicKeyObject(key: PublicKey): KeyObject {
  let ko = publicKeyObjects.get(key);
  if (ko === undefined) {
    ko = createPublicKey({ key: Buffer.from(key.spki.buffer, key.spki.byteOffset, key.spki.byteLength), format: 'der', type: 'spki' });
    publicKeyObjects.set(key, ko);
  }
  return ko;
}

const EC_SIZES = { 'P-256': 32, 'P-384': 48 } as const;

function rsaBitsOk(n: bigint): boolean {
  const bits = bitLength(n);
  return bits >= RSA_MIN_MODULUS_BITS && bits <= RSA_MAX_MODULUS_BITS;
}

/** Signs on node:crypto. */
export function nodeSignMessage(
  alg: Parameters<CryptoProvider['sign']>[0],
  key: PrivateKey,
  message: Uint8Array,
): Uint8Array {
  switch (alg.kind) {
    case 'ecdsa':
      if (key.kind !== 'ec') throw new TypeError(`a ${key.kind} key cannot sign with ecdsa`);
      return u8(nodeSign(alg.hash, message, { key: privateKeyObject(key), dsaEncoding: 'der' }));
    case 'ed25519':
      if (key.kind !== 'ed25519') throw new TypeError(`a ${key.kind} key cannot sign with ed25519`);
      return u8(nodeSign(null, message, privateKeyObject(key)));
    case 'rsa-pss':
    case 'rsa-pkcs1': {
      if (key.kind !== 'rsa') throw new TypeError(`a ${key.kind} key cannot sign with ${alg.kind}`);
      if (!rsaBitsOk(key.n)) {
        throw new TypeError(`RSA modulus of ${bitLength(key.n)} bits is outside ${RSA_MIN_MODULUS_BITS}..${RSA_MAX_MODULUS_BITS}`);
      }
      const ko = privateKeyObject(key);
      try {
        return alg.kind === 'rsa-pss'
          ? u8(nodeSign(alg.hash, message, { key: ko, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: alg.saltLength }))
          : u8(nodeSign(alg.hash, message, { key: ko, padding: constants.RSA_PKCS1_PADDING }));
      } catch (cause) {
        throw new TypeError(`RSA key of ${bitLength(key.n)} bits cannot sign with ${alg.kind}/${alg.hash}`, { cause });
      }
    }
    default:
      throw new TypeError(`unsupported signature algorithm ${String((alg as { kind: unknown }).kind)}`);
  }
}

/** Verifies on node:crypto, with the same acceptance rules as the noble provider (strict DER, RSA sizes). */
export function nodeVerifySignature(
  alg: Parameters<CryptoProvider['verify']>[0],
  key: PublicKey,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  try {
    switch (alg.kind) {
      case 'ecdsa': {
        if (key.kind !== 'ec') return false;
        const size = EC_SIZES[key.curve];
        if (size === undefined) return false;
        decodeEcdsaSignature(signature, size); // strict DER first: OpenSSL's parser is not the contract
        return nodeVerify(alg.hash, message, { key: publicKeyObject(key), dsaEncoding: 'der' }, signature);
      }
      case 'ed25519':
        if (key.kind !== 'ed25519' || signature.length !== 64) return false;
        return nodeVerify(null, message, publicKeyObject(key), signature);
      case 'rsa-pss':
        if (key.kind !== 'rsa' || !rsaBitsOk(key.n)) return false;
        if (!Number.isInteger(alg.saltLength) || alg.saltLength < 0) return false;
        return nodeVerify(
          alg.hash,
          message,
          { key: publicKeyObject(key), padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: alg.saltLength },
          signature,
        );
      case 'rsa-pkcs1':
        if (key.kind !== 'rsa' || !rsaBitsOk(key.n)) return false;
        return nodeVerify(alg.hash, message, { key: publicKeyObject(key), padding: constants.RSA_PKCS1_PADDING }, signature);
      default:
        return false;
    }
  } catch {
    // DecodeError from the DER check, or OpenSSL refusing a malformed key or signature.
    return false;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The provider

/** Fills `out` from OpenSSL's CSPRNG. */
export function nodeRandom(out: Uint8Array): Uint8Array {
  // qk-allow-ambient: the node provider reads the platform CSPRNG by design
  randomFillSync(out);
  return out;
}

/** Header protection on node: AES-ECB for the AES suites, the `chacha20` cipher for ChaCha20. */
function nodeHeaderProtection(alg: AeadAlgorithm, key: Uint8Array): HeaderProtection {
  return alg === 'chacha20-poly1305' ? new NodeChaChaHeaderProtection(key) : new NodeAesHeaderProtection(alg, key);
}

/** {@link CryptoProvider} on node:crypto (OpenSSL). Import from `@qk/tls13/node`. */
export const nodeProvider: CryptoProvider = {
  name: 'node',
  random: nodeRandom,
  hashLength,
  hash: (alg, data) => u8(createHash(alg).update(data).digest()),
  hmac: (alg, key, data) => u8(createHmac(alg, key).update(data).digest()),
  hkdfExtract: (alg, salt, ikm) => u8(createHmac(alg, salt).update(ikm).digest()),
  hkdfExpand: nodeHkdfExpand,
  aeadKeyLength: (alg) => {
    const n = AEAD_KEY_LENGTHS[alg];
    if (n === undefined) throw new TypeError(`unsupported AEAD ${String(alg)}`);
    return n;
  },
  aead: (alg, key) => new NodeAead(alg, key),
  headerProtection: nodeHeaderProtection,
  ...nodeKeyExchange(nodeRandom),
  sign: nodeSignMessage,
  verify: nodeVerifySignature,
};
