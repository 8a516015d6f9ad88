import { fromHex, toHex } from '@qk/octets';
import { describe, expect, it } from 'vitest';
import { checkFrameLaws, decodeOne, encodeToBytes, forAll, frameArbitraries } from '../arbitraries.test.js';

describe('STREAM_DATA_BLOCKED (RFC 9000 §19.13)', () => {
  it('encodes Stream ID and Maximum Stream Data (exact hex)', () => {
    const frame = { kind: 'streamDataBlocked', streamId: 8, maximumStreamData: 0 } as const;
    expect(toHex(encodeToBytes(frame))).toBe('150800');
    expect(decodeOne(fromHex('150800'))).toStrictEqual(frame);
  });

  it('round-trips, matches sizeOf, and fails cleanly on every prefix', () =>
    forAll(frameArbitraries.streamDataBlocked, (f) => checkFrameLaws(f)));
});
