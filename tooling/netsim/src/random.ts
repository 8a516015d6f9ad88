/**
 * A small seeded PRNG: xoshiro128** (Blackman and Vigna, prng.di.unimi.it), 128 bits of state, period 2^128 - 1,
 * seeded through a SplitMix-style 32-bit mixer so nearby seeds give unrelated streams. Not cryptographic: it exists
 * so simulations are exactly reproducible. Never use `Math.random` in the simulator.
 */

const TWO_POW_32 = 0x1_0000_0000;

/** Golden-ratio increment of the seeding sequence. */
const WEYL = 0x9e3779b9;

/** MurmurHash3's 32-bit finaliser: a bijection that spreads every input bit over the output. */
function fmix32(x: number): number {
  let z = x >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * A deterministic random stream.
 *
 * @example
 * const rng = new Random(42);
 * if (rng.chance(0.05)) drop();
 * const jitter = rng.uniform(0, 5);
 * const provider = { ...base, random: (out: Uint8Array) => rng.fill(out) };
 */
export class Random {
  #s0: number;
  #s1: number;
  #s2: number;
  #s3: number;

  /**
   * @param seed any non-negative safe integer; the same seed always gives the same stream
   */
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed) || seed < 0) {
      throw new RangeError(`seed must be a non-negative safe integer, got ${String(seed)}`);
    }
    const lo = seed >>> 0;
    const hi = Math.floor(seed / TWO_POW_32) >>> 0;
    let w = (lo ^ fmix32(hi ^ 0x6a09e667)) >>> 0;
    w = (w + WEYL) >>> 0;
    this.#s0 = fmix32(w);
    w = (w + WEYL) >>> 0;
    this.#s1 = fmix32(w);
    w = (w + WEYL) >>> 0;
    this.#s2 = fmix32(w);
    w = (w + WEYL) >>> 0;
    this.#s3 = fmix32(w);
    // The all-zero state is the generator's one fixed point.
    if ((this.#s0 | this.#s1 | this.#s2 | this.#s3) === 0) this.#s0 = 1;
  }

  /**
   * A generator with exactly this state, bypassing seeding. For known-answer tests against the reference C code;
   * at least one word must be non-zero.
   */
  static fromState(s0: number, s1: number, s2: number, s3: number): Random {
    if (((s0 | s1 | s2 | s3) >>> 0) === 0) throw new RangeError('xoshiro128** state must not be all zero');
    const r = new Random(0);
    r.#s0 = s0 >>> 0;
    r.#s1 = s1 >>> 0;
    r.#s2 = s2 >>> 0;
    r.#s3 = s3 >>> 0;
    return r;
  }

  /** The next 32 random bits as an unsigned integer in [0, 2^32). */
  nextUint32(): number {
    const s1 = this.#s1;
    const x = Math.imul(s1, 5);
    const result = Math.imul((x << 7) | (x >>> 25), 9) >>> 0;
    const t = s1 << 9;
    this.#s2 ^= this.#s0;
    this.#s3 ^= s1;
    this.#s1 = s1 ^ this.#s2;
    this.#s0 ^= this.#s3;
    this.#s2 ^= t;
    this.#s3 = (this.#s3 << 11) | (this.#s3 >>> 21);
    return result;
  }

  /** A float uniformly distributed in [0, 1), with 32 bits of randomness. */
  next(): number {
    return this.nextUint32() / TWO_POW_32;
  }

  /** True with probability `p` (`p <= 0` never draws true, `p >= 1` always does). Always consumes one draw. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** A float uniformly distributed in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** An integer uniformly distributed in [0, bound), bound at most 2^32 (bias below 2^-32 per draw, ignored). */
  nextInt(bound: number): number {
    if (!Number.isInteger(bound) || bound < 1 || bound > TWO_POW_32) {
      throw new RangeError(`bound must be an integer in 1..2^32, got ${String(bound)}`);
    }
    return Math.floor(this.next() * bound);
  }

  /** Fills `out` with random bytes and returns it (the shape of `CryptoProvider.random`, for deterministic tests). */
  fill(out: Uint8Array): Uint8Array {
    let i = 0;
    const n = out.length;
    for (; i + 4 <= n; i += 4) {
      const v = this.nextUint32();
      out[i] = v & 0xff;
      out[i + 1] = (v >>> 8) & 0xff;
      out[i + 2] = (v >>> 16) & 0xff;
      out[i + 3] = v >>> 24;
    }
    if (i < n) {
      let v = this.nextUint32();
      for (; i < n; i++, v >>>= 8) out[i] = v & 0xff;
    }
    return out;
  }

  /** A new, independent stream derived from this one (advances this stream by two draws). */
  fork(): Random {
    const hi = this.nextUint32() & 0x1f_ffff; // keep the seed a safe integer
    const lo = this.nextUint32();
    return new Random(hi * TWO_POW_32 + lo);
  }
}
