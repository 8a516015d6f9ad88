import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecodeError, MAX_VARINT, Reader, Writer, fromHex, toHex, varintSize } from '../src/index.js';
import vectors from './vectors/varint.json' with { type: 'json' };

describe('varint vectors', () => {
  for (const v of vectors.vectors) {
    it(`${v.hex} (${v.source})`, () => {
      const bytes = fromHex(v.hex);
      expect(new Reader(bytes).readVarint()).toBe(v.number);
      expect(new Reader(bytes).readVarintBig()).toBe(BigInt(v.bigint));
      const r = new Reader(bytes);
      r.readVarint();
      expect(r.isEmpty()).toBe(true);
      if (v.canonical) {
        expect(toHex(new Writer().writeVarint(BigInt(v.bigint)).finish())).toBe(v.hex);
        if (BigInt(v.bigint) <= BigInt(Number.MAX_SAFE_INTEGER)) {
          expect(toHex(new Writer().writeVarint(Number(v.bigint)).finish())).toBe(v.hex);
        }
      }
    });
  }
});

describe('varint policy', () => {
  it('rejects out-of-range writes as RangeError', () => {
    expect(() => new Writer().writeVarint(-1)).toThrow(RangeError);
    expect(() => new Writer().writeVarint(2 ** 53)).toThrow(RangeError);
    expect(() => new Writer().writeVarint(1.5)).toThrow(RangeError);
    expect(() => new Writer().writeVarint(MAX_VARINT + 1n)).toThrow(RangeError);
    expect(() => new Writer().writeVarint(Number.NaN)).toThrow(RangeError);
  });

  it('writes a forced size and patches it', () => {
    const w = new Writer();
    const at = w.length;
    w.writeVarintWithSize(0, 2);
    w.patchVarint(at, 2, 1200);
    expect(toHex(w.finish())).toBe('44b0');
    expect(() => w.writeVarintWithSize(64, 1)).toThrow(RangeError);
  });

  it('round-trips every safe integer as number and every 62-bit value as bigint', () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), (n) => {
        const bytes = new Writer().writeVarint(n).finish();
        expect(bytes.length).toBe(varintSize(n));
        expect(new Reader(bytes).readVarint()).toBe(n);
      }),
    );
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: MAX_VARINT }), (n) => {
        const bytes = new Writer().writeVarint(n).finish();
        expect(new Reader(bytes).readVarintBig()).toBe(n);
        const asNumber = new Reader(bytes).readVarint();
        expect(asNumber).toBe(n > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(n));
      }),
    );
  });

  it('fails every proper prefix with DecodeError', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: MAX_VARINT }), (n) => {
        const bytes = new Writer().writeVarint(n).finish();
        for (let i = 0; i < bytes.length; i++) {
          expect(() => new Reader(bytes.subarray(0, i)).readVarint()).toThrow(DecodeError);
          expect(() => new Reader(bytes.subarray(0, i)).readVarintBig()).toThrow(DecodeError);
        }
      }),
    );
  });
});
