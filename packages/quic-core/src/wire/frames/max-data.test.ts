import { fromHex, toHex } from '@qk/octets';
import { describe, expect, it } from 'vitest';
import { checkFrameLaws, decodeOne, encodeToBytes, forAll, frameArbitraries } from '../arbitraries.test.js';

describe('MAX_DATA (RFC 9000 §19.9)', () => {
  it('encodes Maximum Data (exact hex)', () => {
    expect(toHex(encodeToBytes({ kind: 'maxData', maximumData: 0x10_0000 }))).toBe('1080100000');
    expect(decodeOne(fromHex('1080100000'))).toStrictEqual({ kind: 'maxData', maximumData: 0x10_0000 });
  });

  it('saturates values of 2^53 and above to 2^53 - 1 (the varint policy: "unlimited")', () => {
    expect(decodeOne(fromHex('10ffffffffffffffff'))).toStrictEqual({ kind: 'maxData', maximumData: Number.MAX_SAFE_INTEGER });
  });

  it('round-trips, matches sizeOf, and fails cleanly on every prefix', () =>
    forAll(frameArbitraries.maxData, (f) => checkFrameLaws(f)));
});
