/**
 * RSA signatures in pure TypeScript on `bigint` (RFC 8017), for the providers that have no native RSA:
 * RSASSA-PSS (§8.1, EMSA-PSS with MGF1, §9.1) and RSASSA-PKCS1-v1_5 (§8.2, EMSA-PKCS1-v1_5, §9.2).
 *
 * Signing uses the CRT (RFC 8017 §5.1.2, second form), blinds the message with a random `r^e` so the timing of the
 * exponentiation does not depend on the message, and checks the result with the public exponent before releasing
 * it (a fault in the CRT would otherwise leak a factor of `n`). `bigint` arithmetic is not constant-time; the node
 * provider uses OpenSSL for RSA.
 *
 * Moduli must be 2048 to 8192 bits: `verify` returns false for others, `sign` throws `TypeError`.
 *
 * @module
 */
import type { PrivateKey, PublicKey } from './keys.js';
import type { CryptoProvider, HashAlgorithm, SignatureAlgorithm } from './provider.js';

/** The smallest RSA modulus qk accepts, in bits. */
export const RSA_MIN_MODULUS_BITS = 2048;
/** The largest RSA modulus qk accepts, in bits. */
export const RSA_MAX_MODULUS_BITS = 8192;

/** An RSA signature algorithm. */
export type RsaSignatureAlgorithm = Extract<SignatureAlgorithm, { kind: 'rsa-pss' | 'rsa-pkcs1' }>;

/** The parts of a provider that RSA needs: the hash for EMSA encoding and randomness for PSS salts and blinding. */
export type RsaPrimitives = Pick<CryptoProvider, 'hash' | 'hashLength' | 'random'>;

type RsaPrivateKey = Extract<PrivateKey, { kind: 'rsa' }>;
type RsaPublicKey = Extract<PublicKey, { kind: 'rsa' }>;

/** DER DigestInfo prefixes (RFC 8017 §9.2, Note 1): `SEQUENCE { AlgorithmIdentifier, OCTET STRING (hLen) }`. */
const DIGEST_INFO_PREFIX: Readonly<Record<HashAlgorithm, Uint8Array>> = {
  sha256: Uint8Array.of(
    0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20,
  ),
  sha384: Uint8Array.of(
    0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0x04, 0x30,
  ),
  sha512: Uint8Array.of(
    0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04, 0x40,
  ),
};

// ---------------------------------------------------------------------------------------------------------------
// Integer helpers (RFC 8017 §4)

/** Number of bits of a non-negative `bigint` (0 for 0). */
export function bitLength(n: bigint): number {
  if (n <= 0n) return 0;
  return n.toString(2).length;
}

/** OS2IP (RFC 8017 §4.2): big-endian bytes to a non-negative integer. */
export function os2ip(bytes: Uint8Array): bigint {
  if (bytes.length === 0) return 0n;
  let hex = '';
  for (let i = 0; i < bytes.length; i++) hex += (bytes[i]! < 16 ? '0' : '') + bytes[i]!.toString(16);
  return BigInt('0x' + hex);
}

/** I2OSP (RFC 8017 §4.1): `x` as exactly `len` big-endian bytes; `undefined` if it does not fit ("integer too large"). */
export function i2osp(x: bigint, len: number): Uint8Array | undefined {
  if (x < 0n) return undefined;
  if (x === 0n) return new Uint8Array(len);
  const hex = x.toString(16);
  const digits = hex.length;
  if (digits > 2 * len) return undefined;
  const out = new Uint8Array(len);
  // Walk the hex from its end so an odd number of digits needs no padding string.
  let at = len - 1;
  for (let i = digits; i > 0; i -= 2) {
    out[at--] = Number.parseInt(hex.slice(Math.max(0, i - 2), i), 16);
  }
  return out;
}

/** `(a mod m)` in [0, m). */
function mod(a: bigint, m: bigint): bigint {
  const r = a % m;
  return r < 0n ? r + m : r;
}

/** The inverse of `a` modulo `m` (extended Euclid), or `undefined` if they are not coprime. */
export function modInverse(a: bigint, m: bigint): bigint | undefined {
  let [oldR, r] = [mod(a, m), m];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  return oldR === 1n ? mod(oldS, m) : undefined;
}

/**
 * `base^exp mod m` by left-to-right sliding-window exponentiation (HAC 14.85): odd powers `base^1, base^3, ...,
 * base^(2^w - 1)` are precomputed, then each window of the exponent costs its squarings and one multiplication.
 */
export function modPow(base: bigint, exp: bigint, m: bigint): bigint {
  if (m <= 0n) throw new RangeError('modPow: modulus must be positive');
  if (m === 1n) return 0n;
  if (exp < 0n) throw new RangeError('modPow: negative exponent');
  const b = mod(base, m);
  if (exp === 0n) return 1n;
  const bits = exp.toString(2);
  const nbits = bits.length;
  const w = nbits > 671 ? 6 : nbits > 239 ? 5 : nbits > 79 ? 4 : nbits > 23 ? 3 : 1;
  // table[i] = b^(2i+1)
  const table: bigint[] = [b];
  if (w > 1) {
    const b2 = (b * b) % m;
    for (let i = 1; i < 1 << (w - 1); i++) table.push((table[i - 1]! * b2) % m);
  }
  let result = 1n;
  let started = false;
  let i = 0;
  while (i < nbits) {
    if (bits.charCodeAt(i) === 48 /* '0' */) {
      if (started) result = (result * result) % m;
      i++;
      continue;
    }
    // Longest window [i, j) of at most w bits that ends in a 1.
    let j = Math.min(i + w, nbits);
    while (bits.charCodeAt(j - 1) === 48) j--;
    let value = 0;
    for (let k = i; k < j; k++) {
      if (started) result = (result * result) % m;
      value = (value << 1) | (bits.charCodeAt(k) - 48);
    }
    const factor = table[value >> 1]!;
    result = started ? (result * factor) % m : factor;
    started = true;
    i = j;
  }
  return result;
}

// ---------------------------------------------------------------------------------------------------------------
// Key checks

function modulusBitsOk(n: bigint): number | undefined {
  const bits = bitLength(n);
  return bits >= RSA_MIN_MODULUS_BITS && bits <= RSA_MAX_MODULUS_BITS ? bits : undefined;
}

function publicExponentOk(e: bigint, n: bigint): boolean {
  return e >= 3n && e < n && (e & 1n) === 1n;
}

// ---------------------------------------------------------------------------------------------------------------
// Encodings (RFC 8017 §9)

/** MGF1 (RFC 8017 §B.2.1) with `hash`, `len` bytes of mask from `seed`. */
export function mgf1(p: RsaPrimitives, hash: HashAlgorithm, seed: Uint8Array, len: number): Uint8Array {
  const hLen = p.hashLength(hash);
  const out = new Uint8Array(len);
  const input = new Uint8Array(seed.length + 4);
  input.set(seed, 0);
  for (let counter = 0, at = 0; at < len; counter++, at += hLen) {
    input[seed.length] = counter >>> 24;
    input[seed.length + 1] = (counter >>> 16) & 0xff;
    input[seed.length + 2] = (counter >>> 8) & 0xff;
    input[seed.length + 3] = counter & 0xff;
    const block = p.hash(hash, input);
    out.set(block.subarray(0, Math.min(hLen, len - at)), at);
  }
  return out;
}

/** `Hash(0x00 * 8 || mHash || salt)`: the H of EMSA-PSS (RFC 8017 §9.1.1 steps 5-6). */
function pssHashOfMPrime(p: RsaPrimitives, hash: HashAlgorithm, mHash: Uint8Array, salt: Uint8Array): Uint8Array {
  const mPrime = new Uint8Array(8 + mHash.length + salt.length);
  mPrime.set(mHash, 8);
  mPrime.set(salt, 8 + mHash.length);
  return p.hash(hash, mPrime);
}

/**
 * EMSA-PSS-ENCODE (RFC 8017 §9.1.1) of `message` into `ceil(emBits / 8)` bytes with a `salt`
 * (whose length is the salt length). `undefined` when the encoding does not fit ("encoding error").
 */
export function emsaPssEncode(
  p: RsaPrimitives,
  hash: HashAlgorithm,
  message: Uint8Array,
  emBits: number,
  salt: Uint8Array,
): Uint8Array | undefined {
  const hLen = p.hashLength(hash);
  const sLen = salt.length;
  const emLen = Math.ceil(emBits / 8);
  if (emLen < hLen + sLen + 2) return undefined;
  const mHash = p.hash(hash, message);
  const h = pssHashOfMPrime(p, hash, mHash, salt);
  const dbLen = emLen - hLen - 1;
  // DB = PS || 0x01 || salt, masked in place.
  const em = new Uint8Array(emLen);
  em[dbLen - sLen - 1] = 0x01;
  em.set(salt, dbLen - sLen);
  const dbMask = mgf1(p, hash, h, dbLen);
  for (let i = 0; i < dbLen; i++) em[i]! ^= dbMask[i]!;
  em[0]! &= 0xff >>> (8 * emLen - emBits);
  em.set(h, dbLen);
  em[emLen - 1] = 0xbc;
  return em;
}

/** EMSA-PSS-VERIFY (RFC 8017 §9.1.2): true for "consistent". */
export function emsaPssVerify(
  p: RsaPrimitives,
  hash: HashAlgorithm,
  message: Uint8Array,
  em: Uint8Array,
  emBits: number,
  sLen: number,
): boolean {
  const hLen = p.hashLength(hash);
  const emLen = Math.ceil(emBits / 8);
  if (em.length !== emLen || emLen < hLen + sLen + 2) return false;
  if (em[emLen - 1] !== 0xbc) return false;
  const dbLen = emLen - hLen - 1;
  const topMask = 0xff >>> (8 * emLen - emBits);
  if ((em[0]! & ~topMask & 0xff) !== 0) return false;
  const h = em.subarray(dbLen, dbLen + hLen);
  const db = mgf1(p, hash, h, dbLen);
  for (let i = 0; i < dbLen; i++) db[i]! ^= em[i]!;
  db[0]! &= topMask;
  const psLen = emLen - hLen - sLen - 2;
  for (let i = 0; i < psLen; i++) if (db[i] !== 0) return false;
  if (db[psLen] !== 0x01) return false;
  const salt = db.subarray(dbLen - sLen);
  const h2 = pssHashOfMPrime(p, hash, p.hash(hash, message), salt);
  let diff = 0;
  for (let i = 0; i < hLen; i++) diff |= h[i]! ^ h2[i]!;
  return diff === 0;
}

/** EMSA-PKCS1-V1_5-ENCODE (RFC 8017 §9.2) into `emLen` bytes; `undefined` if `emLen` is too short. */
export function emsaPkcs1v15Encode(
  p: RsaPrimitives,
  hash: HashAlgorithm,
  message: Uint8Array,
  emLen: number,
): Uint8Array | undefined {
  const prefix = DIGEST_INFO_PREFIX[hash];
  const tLen = prefix.length + p.hashLength(hash);
  if (emLen < tLen + 11) return undefined;
  const em = new Uint8Array(emLen);
  em[1] = 0x01;
  em.fill(0xff, 2, emLen - tLen - 1);
  em.set(prefix, emLen - tLen);
  em.set(p.hash(hash, message), emLen - tLen + prefix.length);
  return em;
}

// ---------------------------------------------------------------------------------------------------------------
// Primitives (RFC 8017 §5.2)

/** RSAVP1: `s^e mod n`, or `undefined` if `s` is not below `n`. */
function rsavp1(key: RsaPublicKey, s: bigint): bigint | undefined {
  return s < key.n ? modPow(s, key.e, key.n) : undefined;
}

/**
 * RSASP1 with the CRT (RFC 8017 §5.2.1 step 2.b), blinded by `r^e` and checked with `e` before it is returned.
 * Throws `Error` if the check fails (a computation fault or an inconsistent key).
 */
function rsasp1(p: RsaPrimitives, key: RsaPrivateKey, m: bigint): bigint {
  const { n, e, p: kp, q, dp, dq, qi } = key;
  // Blinding: sign m * r^e, then multiply by r^-1.
  const k = Math.ceil(bitLength(n) / 8);
  let r = 0n;
  let rInv: bigint | undefined;
  while (rInv === undefined) {
    r = os2ip(p.random(new Uint8Array(k))) % n;
    if (r > 1n) rInv = modInverse(r, n);
  }
  const blinded = (m * modPow(r, e, n)) % n;
  const m1 = modPow(blinded % kp, dp, kp);
  const m2 = modPow(blinded % q, dq, q);
  const h = mod((m1 - m2) * qi, kp);
  const sBlinded = m2 + q * h;
  const s = (sBlinded * rInv) % n;
  if (modPow(s, e, n) !== m) throw new Error('RSA signature failed its consistency check (fault or bad key)');
  return s;
}

// ---------------------------------------------------------------------------------------------------------------
// Signature schemes (RFC 8017 §8)

/**
 * RSASSA-PSS-SIGN or RSASSA-PKCS1-V1_5-SIGN of `message` with `key`. The PSS salt (of the algorithm's length)
 * comes from `p.random`. Throws `TypeError` for a key outside 2048..8192 bits or an unusable public exponent.
 */
export function rsaSign(p: RsaPrimitives, alg: RsaSignatureAlgorithm, key: RsaPrivateKey, message: Uint8Array): Uint8Array {
  const modBits = modulusBitsOk(key.n);
  if (modBits === undefined) {
    throw new TypeError(`RSA modulus of ${bitLength(key.n)} bits is outside ${RSA_MIN_MODULUS_BITS}..${RSA_MAX_MODULUS_BITS}`);
  }
  if (!publicExponentOk(key.e, key.n)) throw new TypeError('RSA public exponent is not usable');
  const k = Math.ceil(modBits / 8);
  let em: Uint8Array | undefined;
  if (alg.kind === 'rsa-pss') {
    if (!Number.isInteger(alg.saltLength) || alg.saltLength < 0) {
      throw new TypeError(`RSA-PSS salt length ${alg.saltLength} is invalid`);
    }
    const salt = p.random(new Uint8Array(alg.saltLength));
    em = emsaPssEncode(p, alg.hash, message, modBits - 1, salt);
  } else {
    em = emsaPkcs1v15Encode(p, alg.hash, message, k);
  }
  if (em === undefined) throw new TypeError(`RSA key of ${modBits} bits is too small for ${alg.kind} with ${alg.hash}`);
  const s = rsasp1(p, key, os2ip(em));
  return i2osp(s, k)!;
}

/** RSASSA-PSS-VERIFY or RSASSA-PKCS1-V1_5-VERIFY; false for any invalid signature or unacceptable key. */
export function rsaVerify(
  p: RsaPrimitives,
  alg: RsaSignatureAlgorithm,
  key: RsaPublicKey,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  const modBits = modulusBitsOk(key.n);
  if (modBits === undefined || !publicExponentOk(key.e, key.n)) return false;
  const k = Math.ceil(modBits / 8);
  if (signature.length !== k) return false;
  const m = rsavp1(key, os2ip(signature));
  if (m === undefined) return false;
  if (alg.kind === 'rsa-pss') {
    if (!Number.isInteger(alg.saltLength) || alg.saltLength < 0) return false;
    const emBits = modBits - 1;
    const em = i2osp(m, Math.ceil(emBits / 8));
    if (em === undefined) return false;
    return emsaPssVerify(p, alg.hash, message, em, emBits, alg.saltLength);
  }
  const em = i2osp(m, k);
  const expected = emsaPkcs1v15Encode(p, alg.hash, message, k);
  if (em === undefined || expected === undefined) return false;
  let diff = 0;
  for (let i = 0; i < k; i++) diff |= em[i]! ^ expected[i]!;
  return diff === 0;
}
