import { fromHex, toHex } from '@qk/octets';
import { describe, expect, it } from 'vitest';
import { checkFrameLaws, decodeOne, encodeToBytes, forAll, frameArbitraries } from '../arbitraries.test.js';

describe('DATA_BLOCKED (RFC 9000 §19.12)', () => {
  it('encodes Maximum Data (exact hex)', () => {
    expect(toHex(encodeToBytes({ kind: 'dataBlocked', maximumData: 1024 }))).toBe('144400');
    expect(decodeOne(fromHex('144400'))).toStrictEqual({ kind: 'dataBlocked', maximumData: 1024 });
  });

  it('round-trips, matches sizeOf, and fails cleanly on every prefix', () =>
    forAll(frameArbitraries.dataBlocked, (f) => checkFrameLaws(f)));
});
