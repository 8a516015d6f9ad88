import { Reader, fromHex, toHex } from '@qk/octets';
import { describe, expect, it } from 'vitest';
import { TransportErrorCode } from '../../errors.js';
import { checkFrameLaws, decodeOne, encodeToBytes, forAll, frameArbitraries } from '../arbitraries.test.js';
import { decodeFrame } from './index.js';

const DATA = '0001020304050607';

describe('PATH_CHALLENGE and PATH_RESPONSE (RFC 9000 §19.17, §19.18)', () => {
  it('carry exactly 8 bytes (exact hex)', () => {
    expect(toHex(encodeToBytes({ kind: 'pathChallenge', data: fromHex(DATA) }))).toBe('1a' + DATA);
    expect(toHex(encodeToBytes({ kind: 'pathResponse', data: fromHex(DATA) }))).toBe('1b' + DATA);
    expect(decodeOne(fromHex('1a' + DATA))).toStrictEqual({ kind: 'pathChallenge', data: fromHex(DATA) });
    expect(decodeOne(fromHex('1b' + DATA))).toStrictEqual({ kind: 'pathResponse', data: fromHex(DATA) });
  });

  it('rejects short data: FRAME_ENCODING_ERROR on decode, RangeError on encode', () => {
    expect(() => decodeOne(fromHex('1a00010203'))).toThrow(
      expect.objectContaining({ code: TransportErrorCode.FRAME_ENCODING_ERROR, frameType: 0x1a }),
    );
    expect(() => encodeToBytes({ kind: 'pathChallenge', data: new Uint8Array(7) })).toThrow(RangeError);
    expect(() => encodeToBytes({ kind: 'pathResponse', data: new Uint8Array(9) })).toThrow(RangeError);
  });

  it('PATH_CHALLENGE may be in 0-RTT packets, PATH_RESPONSE only in 1-RTT packets', () => {
    expect(decodeFrame(new Reader(fromHex('1a' + DATA)), 'zeroRtt').kind).toBe('pathChallenge');
    expect(() => decodeFrame(new Reader(fromHex('1b' + DATA)), 'zeroRtt')).toThrow(
      expect.objectContaining({ code: TransportErrorCode.PROTOCOL_VIOLATION }),
    );
  });

  it('round-trips, matches sizeOf, and fails cleanly on every prefix', () => {
    forAll(frameArbitraries.pathChallenge, (f) => checkFrameLaws(f), 50);
    forAll(frameArbitraries.pathResponse, (f) => checkFrameLaws(f), 50);
  });
});
