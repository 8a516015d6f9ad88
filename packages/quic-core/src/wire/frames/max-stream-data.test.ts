import { fromHex, toHex } from '@qk/octets';
import { describe, expect, it } from 'vitest';
import { checkFrameLaws, decodeOne, encodeToBytes, forAll, frameArbitraries } from '../arbitraries.test.js';

describe('MAX_STREAM_DATA (RFC 9000 §19.10)', () => {
  it('encodes Stream ID and Maximum Stream Data (exact hex)', () => {
    const frame = { kind: 'maxStreamData', streamId: 1, maximumStreamData: 0x3fff } as const;
    expect(toHex(encodeToBytes(frame))).toBe('11017fff');
    expect(decodeOne(fromHex('11017fff'))).toStrictEqual(frame);
  });

  it('round-trips, matches sizeOf, and fails cleanly on every prefix', () =>
    forAll(frameArbitraries.maxStreamData, (f) => checkFrameLaws(f)));
});
