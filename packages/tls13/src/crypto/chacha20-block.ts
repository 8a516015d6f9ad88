/**
 * The ChaCha20 block function of RFC 8439 §2.3, for QUIC header protection (RFC 9001 §5.4.4).
 *
 * Header protection needs one keystream block with a 32-bit block counter taken from the packet sample, which can
 * be any value including 0xffffffff; @noble/ciphers' stream API refuses that counter (it never wraps), so the one
 * block is computed here. Only the first 8 bytes of the block are materialized: the mask is its first 5 bytes.
 *
 * @module
 */

/** "expand 32-byte k" as four little-endian words (RFC 8439 §2.3). */
const SIGMA0 = 0x61707865;
const SIGMA1 = 0x3320646e;
const SIGMA2 = 0x79622d32;
const SIGMA3 = 0x6b206574;

function loadLE32(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
}

/** Reads a 32-byte ChaCha20 key as eight little-endian words. Throws `RangeError` for another length. */
export function chacha20KeyWords(key: Uint8Array): Uint32Array {
  if (key.length !== 32) throw new RangeError(`ChaCha20 key must be 32 bytes, not ${key.length}`);
  const k = new Uint32Array(8);
  for (let i = 0; i < 8; i++) k[i] = loadLE32(key, 4 * i);
  return k;
}

/**
 * Runs the ChaCha20 block function (RFC 8439 §2.3) on `key` (eight words), `counter` and the 12-byte `nonce` read
 * from `nonceBytes[nonceAt..nonceAt+12]`, and writes the first `out.length` (at most 64) bytes of the serialized
 * block into `out`.
 */
export function chacha20Block(
  key: Uint32Array,
  counter: number,
  nonceBytes: Uint8Array,
  nonceAt: number,
  out: Uint8Array,
): Uint8Array {
  const k0 = key[0]!, k1 = key[1]!, k2 = key[2]!, k3 = key[3]!, k4 = key[4]!, k5 = key[5]!, k6 = key[6]!, k7 = key[7]!;
  const c = counter >>> 0;
  const n0 = loadLE32(nonceBytes, nonceAt), n1 = loadLE32(nonceBytes, nonceAt + 4), n2 = loadLE32(nonceBytes, nonceAt + 8);
  let x0 = SIGMA0, x1 = SIGMA1, x2 = SIGMA2, x3 = SIGMA3;
  let x4 = k0, x5 = k1, x6 = k2, x7 = k3, x8 = k4, x9 = k5, x10 = k6, x11 = k7;
  let x12 = c, x13 = n0, x14 = n1, x15 = n2;
  // 20 rounds = 10 double rounds: column round then diagonal round (RFC 8439 §2.3.1), quarter rounds inlined.
  for (let i = 0; i < 10; i++) {
    x0 = (x0 + x4) | 0; x12 ^= x0; x12 = (x12 << 16) | (x12 >>> 16);
    x8 = (x8 + x12) | 0; x4 ^= x8; x4 = (x4 << 12) | (x4 >>> 20);
    x0 = (x0 + x4) | 0; x12 ^= x0; x12 = (x12 << 8) | (x12 >>> 24);
    x8 = (x8 + x12) | 0; x4 ^= x8; x4 = (x4 << 7) | (x4 >>> 25);

    x1 = (x1 + x5) | 0; x13 ^= x1; x13 = (x13 << 16) | (x13 >>> 16);
    x9 = (x9 + x13) | 0; x5 ^= x9; x5 = (x5 << 12) | (x5 >>> 20);
    x1 = (x1 + x5) | 0; x13 ^= x1; x13 = (x13 << 8) | (x13 >>> 24);
    x9 = (x9 + x13) | 0; x5 ^= x9; x5 = (x5 << 7) | (x5 >>> 25);

    x2 = (x2 + x6) | 0; x14 ^= x2; x14 = (x14 << 16) | (x14 >>> 16);
    x10 = (x10 + x14) | 0; x6 ^= x10; x6 = (x6 << 12) | (x6 >>> 20);
    x2 = (x2 + x6) | 0; x14 ^= x2; x14 = (x14 << 8) | (x14 >>> 24);
    x10 = (x10 + x14) | 0; x6 ^= x10; x6 = (x6 << 7) | (x6 >>> 25);

    x3 = (x3 + x7) | 0; x15 ^= x3; x15 = (x15 << 16) | (x15 >>> 16);
    x11 = (x11 + x15) | 0; x7 ^= x11; x7 = (x7 << 12) | (x7 >>> 20);
    x3 = (x3 + x7) | 0; x15 ^= x3; x15 = (x15 << 8) | (x15 >>> 24);
    x11 = (x11 + x15) | 0; x7 ^= x11; x7 = (x7 << 7) | (x7 >>> 25);

    x0 = (x0 + x5) | 0; x15 ^= x0; x15 = (x15 << 16) | (x15 >>> 16);
    x10 = (x10 + x15) | 0; x5 ^= x10; x5 = (x5 << 12) | (x5 >>> 20);
    x0 = (x0 + x5) | 0; x15 ^= x0; x15 = (x15 << 8) | (x15 >>> 24);
    x10 = (x10 + x15) | 0; x5 ^= x10; x5 = (x5 << 7) | (x5 >>> 25);

    x1 = (x1 + x6) | 0; x12 ^= x1; x12 = (x12 << 16) | (x12 >>> 16);
    x11 = (x11 + x12) | 0; x6 ^= x11; x6 = (x6 << 12) | (x6 >>> 20);
    x1 = (x1 + x6) | 0; x12 ^= x1; x12 = (x12 << 8) | (x12 >>> 24);
    x11 = (x11 + x12) | 0; x6 ^= x11; x6 = (x6 << 7) | (x6 >>> 25);

    x2 = (x2 + x7) | 0; x13 ^= x2; x13 = (x13 << 16) | (x13 >>> 16);
    x8 = (x8 + x13) | 0; x7 ^= x8; x7 = (x7 << 12) | (x7 >>> 20);
    x2 = (x2 + x7) | 0; x13 ^= x2; x13 = (x13 << 8) | (x13 >>> 24);
    x8 = (x8 + x13) | 0; x7 ^= x8; x7 = (x7 << 7) | (x7 >>> 25);

    x3 = (x3 + x4) | 0; x14 ^= x3; x14 = (x14 << 16) | (x14 >>> 16);
    x9 = (x9 + x14) | 0; x4 ^= x9; x4 = (x4 << 12) | (x4 >>> 20);
    x3 = (x3 + x4) | 0; x14 ^= x3; x14 = (x14 << 8) | (x14 >>> 24);
    x9 = (x9 + x14) | 0; x4 ^= x9; x4 = (x4 << 7) | (x4 >>> 25);
  }
  // Add the input state back in (RFC 8439 §2.3), then serialize little-endian.
  const words = [
    x0 + SIGMA0, x1 + SIGMA1, x2 + SIGMA2, x3 + SIGMA3,
    x4 + k0, x5 + k1, x6 + k2, x7 + k3, x8 + k4, x9 + k5, x10 + k6, x11 + k7,
    x12 + c, x13 + n0, x14 + n1, x15 + n2,
  ];
  const n = Math.min(out.length, 64);
  for (let i = 0; i < n; i++) out[i] = (words[i >> 2]! >>> (8 * (i & 3))) & 0xff;
  return out;
}

/**
 * The ChaCha20 header-protection mask of RFC 9001 §5.4.4: counter = sample[0..4] little-endian,
 * nonce = sample[4..16], mask = the first 5 bytes of ChaCha20(key, counter, nonce, {0,0,0,0,0}).
 */
export function chacha20HeaderMask(key: Uint32Array, sample: Uint8Array): Uint8Array {
  if (sample.length < 16) throw new RangeError(`header-protection sample must be 16 bytes, not ${sample.length}`);
  return chacha20Block(key, loadLE32(sample, 0), sample, 4, new Uint8Array(5));
}
