import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Random } from '../src/index.js';
import vectors from './vectors/xoshiro128starstar.json' with { type: 'json' };

describe('Random (xoshiro128**)', () => {
  it.each(vectors.vectors)('matches the reference C outputs ($source)', (v) => {
    const [a, b, c, d] = v.state as [number, number, number, number];
    const rng = Random.fromState(a, b, c, d);
    expect(v.outputs.map(() => rng.nextUint32())).toEqual(v.outputs);
  });

  it('is reproducible per seed and differs across seeds', () => {
    const draw = (seed: number) => {
      const r = new Random(seed);
      return Array.from({ length: 16 }, () => r.nextUint32());
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
    expect(draw(0)).not.toEqual(draw(2 ** 32)); // the high bits of the seed matter
    expect(draw(2 ** 53 - 1)).toEqual(draw(2 ** 53 - 1));
  });

  it('pins the seeded stream so a change to seeding is noticed', () => {
    const r = new Random(1);
    const first = [r.nextUint32(), r.nextUint32(), r.nextUint32()];
    const again = new Random(1);
    expect([again.nextUint32(), again.nextUint32(), again.nextUint32()]).toEqual(first);
    expect(first).toEqual([3689238470, 1978804220, 3724506883]);
  });

  it('draws floats in [0, 1), integers in [0, bound), and has a sane mean', () => {
    fc.assert(
      fc.property(fc.nat({ max: 2 ** 40 }), fc.integer({ min: 1, max: 1000 }), (seed, bound) => {
        const r = new Random(seed);
        for (let i = 0; i < 50; i++) {
          const x = r.next();
          expect(x >= 0 && x < 1).toBe(true);
          const n = r.nextInt(bound);
          expect(Number.isInteger(n) && n >= 0 && n < bound).toBe(true);
          const u = r.uniform(5, 7);
          expect(u >= 5 && u < 7).toBe(true);
        }
      }),
      { numRuns: 100 },
    );
    const r = new Random(9);
    let sum = 0;
    for (let i = 0; i < 20_000; i++) sum += r.next();
    expect(Math.abs(sum / 20_000 - 0.5)).toBeLessThan(0.01);
  });

  it('chance(0) is never true and chance(1) always is', () => {
    const r = new Random(3);
    for (let i = 0; i < 1000; i++) {
      expect(r.chance(0)).toBe(false);
      expect(r.chance(1)).toBe(true);
    }
  });

  it('fill writes little-endian words and handles tails', () => {
    const a = new Random(5).fill(new Uint8Array(7));
    const r = new Random(5);
    const w0 = r.nextUint32();
    const w1 = r.nextUint32();
    expect([...a]).toEqual([w0 & 0xff, (w0 >>> 8) & 0xff, (w0 >>> 16) & 0xff, w0 >>> 24, w1 & 0xff, (w1 >>> 8) & 0xff, (w1 >>> 16) & 0xff]);
    expect(new Random(5).fill(new Uint8Array(0)).length).toBe(0);
  });

  it('fork gives an independent, reproducible stream', () => {
    const a = new Random(11);
    const fa = a.fork();
    const b = new Random(11);
    const fb = b.fork();
    expect(fa.nextUint32()).toBe(fb.nextUint32());
    expect(a.nextUint32()).toBe(b.nextUint32());
    expect(new Random(11).fork().nextUint32()).not.toBe(new Random(11).nextUint32());
  });

  it('rejects bad seeds, bounds and states', () => {
    expect(() => new Random(-1)).toThrow(RangeError);
    expect(() => new Random(1.5)).toThrow(RangeError);
    expect(() => new Random(2 ** 53)).toThrow(RangeError);
    expect(() => new Random(1).nextInt(0)).toThrow(RangeError);
    expect(() => new Random(1).nextInt(2 ** 32 + 1)).toThrow(RangeError);
    expect(() => Random.fromState(0, 0, 0, 0)).toThrow(RangeError);
  });
});
