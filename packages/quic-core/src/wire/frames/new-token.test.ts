import { Reader, fromHex, toHex } from '@qk/octets';
import { describe, expect, it } from 'vitest';
import { TransportErrorCode } from '../../errors.js';
import { checkFrameLaws, decodeOne, encodeToBytes, forAll, frameArbitraries } from '../arbitraries.test.js';
import { decodeFrame } from './index.js';

describe('NEW_TOKEN (RFC 9000 §19.7)', () => {
  it('encodes a length-prefixed token (exact hex)', () => {
    expect(toHex(encodeToBytes({ kind: 'newToken', token: fromHex('abcd') }))).toBe('0702abcd');
    expect(decodeOne(fromHex('0702abcd'))).toStrictEqual({ kind: 'newToken', token: fromHex('abcd') });
  });

  it('rejects an empty token: FRAME_ENCODING_ERROR on decode, RangeError on encode', () => {
    expect(() => decodeOne(fromHex('0700'))).toThrow(
      expect.objectContaining({ code: TransportErrorCode.FRAME_ENCODING_ERROR, frameType: 7 }),
    );
    expect(() => encodeToBytes({ kind: 'newToken', token: new Uint8Array(0) })).toThrow(RangeError);
  });

  it('is allowed only in 1-RTT packets', () => {
    for (const t of ['initial', 'handshake', 'zeroRtt'] as const) {
      expect(() => decodeFrame(new Reader(fromHex('0701aa')), t)).toThrow(
        expect.objectContaining({ code: TransportErrorCode.PROTOCOL_VIOLATION }),
      );
    }
  });

  it('round-trips, matches sizeOf, and fails cleanly on every prefix', () =>
    forAll(frameArbitraries.newToken, (f) => checkFrameLaws(f)));
});
