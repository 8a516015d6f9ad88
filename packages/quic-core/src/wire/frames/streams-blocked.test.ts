import { fromHex, toHex } from '@qk/octets';
import { describe, expect, it } from 'vitest';
import { TransportErrorCode } from '../../errors.js';
import { checkFrameLaws, decodeOne, encodeToBytes, forAll, frameArbitraries } from '../arbitraries.test.js';

describe('STREAMS_BLOCKED (RFC 9000 §19.14)', () => {
  it('uses type 0x16 for bidirectional and 0x17 for unidirectional streams (exact hex)', () => {
    expect(toHex(encodeToBytes({ kind: 'streamsBlocked', streamType: 'uni', maximumStreams: 3 }))).toBe('1703');
    expect(toHex(encodeToBytes({ kind: 'streamsBlocked', streamType: 'bidi', maximumStreams: 0 }))).toBe('1600');
    expect(decodeOne(fromHex('1703'))).toStrictEqual({ kind: 'streamsBlocked', streamType: 'uni', maximumStreams: 3 });
  });

  it('rejects a count above 2^60 with FRAME_ENCODING_ERROR', () => {
    expect(decodeOne(fromHex('17d000000000000000'))).toMatchObject({ maximumStreams: Number.MAX_SAFE_INTEGER });
    expect(() => decodeOne(fromHex('16d000000000000001'))).toThrow(
      expect.objectContaining({ code: TransportErrorCode.FRAME_ENCODING_ERROR, frameType: 0x16 }),
    );
  });

  it('round-trips, matches sizeOf, and fails cleanly on every prefix', () =>
    forAll(frameArbitraries.streamsBlocked, (f) => checkFrameLaws(f)));
});
