import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import vectors from '../../test/vectors/packet-number.json' with { type: 'json' };
import { decodePacketNumber, encodePacketNumber, packetNumberLength } from './packet-number.js';

const num = (hex: string): number => (hex.startsWith('-') ? -Number.parseInt(hex.slice(3), 16) : Number.parseInt(hex, 16));

describe('packet number vectors', () => {
  for (const v of vectors.encode) {
    it(`encodes ${v.fullPn} with largest acked ${v.largestAcked} (${v.source})`, () => {
      const largestAcked = v.largestAcked === null ? undefined : num(v.largestAcked);
      expect(encodePacketNumber(num(v.fullPn), largestAcked)).toStrictEqual({ truncated: num(v.truncated), length: v.length });
    });
  }
  for (const v of vectors.decode) {
    it(`decodes ${v.truncated}/${v.bits} after ${v.largestPn} (${v.source})`, () => {
      expect(decodePacketNumber(num(v.largestPn), num(v.truncated), v.bits as 8 | 16 | 24 | 32)).toBe(num(v.fullPn));
    });
  }
});

describe('packet number encoding', () => {
  it('rejects misuse with RangeError', () => {
    expect(() => packetNumberLength(5, 5)).toThrow(RangeError);
    expect(() => packetNumberLength(5, 9)).toThrow(RangeError);
    expect(() => packetNumberLength(-1, undefined)).toThrow(RangeError);
    expect(() => packetNumberLength(2 ** 31, undefined)).toThrow(RangeError);
  });

  it('round-trips whenever the receiver has seen at least the largest acknowledged packet', () => {
    // The receiver's largest processed packet lies between the sender's largest acknowledged and the packet sent.
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 50 }),
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (largestAcked, gap, where) => {
          const fullPn = largestAcked + gap;
          const { truncated, length } = encodePacketNumber(fullPn, largestAcked);
          expect(truncated).toBeLessThan(2 ** (8 * length));
          const largestSeen = largestAcked + Math.floor(where * (gap - 1));
          expect(decodePacketNumber(largestSeen, truncated, (length * 8) as 8 | 16 | 24 | 32)).toBe(fullPn);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('uses the shortest length whose window is more than twice the unacknowledged range', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 40 }), fc.integer({ min: 1, max: 2 ** 31 - 1 }), (largestAcked, gap) => {
        const length = packetNumberLength(largestAcked + gap, largestAcked);
        expect(2 ** (8 * length)).toBeGreaterThan(2 * gap);
        if (length > 1) expect(2 ** (8 * (length - 1))).toBeLessThanOrEqual(2 * gap);
      }),
      { numRuns: 300 },
    );
  });
});
