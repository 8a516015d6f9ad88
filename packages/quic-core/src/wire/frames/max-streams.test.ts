import { fromHex, toHex } from '@qk/octets';
import { describe, expect, it } from 'vitest';
import { TransportErrorCode } from '../../errors.js';
import { checkFrameLaws, decodeOne, encodeToBytes, forAll, frameArbitraries } from '../arbitraries.test.js';

describe('MAX_STREAMS (RFC 9000 §19.11)', () => {
  it('uses type 0x12 for bidirectional and 0x13 for unidirectional streams (exact hex)', () => {
    expect(toHex(encodeToBytes({ kind: 'maxStreams', streamType: 'bidi', maximumStreams: 100 }))).toBe('124064');
    expect(toHex(encodeToBytes({ kind: 'maxStreams', streamType: 'uni', maximumStreams: 16 }))).toBe('1310');
    expect(decodeOne(fromHex('124064'))).toStrictEqual({ kind: 'maxStreams', streamType: 'bidi', maximumStreams: 100 });
    expect(decodeOne(fromHex('1310'))).toStrictEqual({ kind: 'maxStreams', streamType: 'uni', maximumStreams: 16 });
  });

  it('accepts up to 2^60 (saturated to 2^53 - 1) and rejects 2^60 + 1 with FRAME_ENCODING_ERROR', () => {
    expect(decodeOne(fromHex('12c01fffffffffffff'))).toMatchObject({ maximumStreams: Number.MAX_SAFE_INTEGER });
    expect(decodeOne(fromHex('12d000000000000000'))).toMatchObject({ maximumStreams: Number.MAX_SAFE_INTEGER });
    for (const hex of ['12d000000000000001', '13ffffffffffffffff']) {
      expect(() => decodeOne(fromHex(hex))).toThrow(
        expect.objectContaining({ code: TransportErrorCode.FRAME_ENCODING_ERROR, frameType: Number.parseInt(hex.slice(0, 2), 16) }),
      );
    }
  });

  it('round-trips, matches sizeOf, and fails cleanly on every prefix', () =>
    forAll(frameArbitraries.maxStreams, (f) => checkFrameLaws(f)));
});
