import { fromHex, toHex } from '@qk/octets';
import { describe, expect, it } from 'vitest';
import { checkFrameLaws, decodeOne, encodeToBytes, forAll, frameArbitraries } from '../arbitraries.test.js';

describe('STOP_SENDING (RFC 9000 §19.5)', () => {
  it('encodes Stream ID and Application Protocol Error Code (exact hex)', () => {
    expect(toHex(encodeToBytes({ kind: 'stopSending', streamId: 3, errorCode: 0x10c }))).toBe('0503410c');
    expect(decodeOne(fromHex('0503410c'))).toStrictEqual({ kind: 'stopSending', streamId: 3, errorCode: 0x10c });
  });

  it('round-trips, matches sizeOf, and fails cleanly on every prefix', () =>
    forAll(frameArbitraries.stopSending, (f) => checkFrameLaws(f)));
});
