import { fromHex, toHex } from '@qk/octets';
import { describe, expect, it } from 'vitest';
import { checkFrameLaws, decodeOne, encodeToBytes, forAll, frameArbitraries } from '../arbitraries.test.js';
import type { ResetStreamFrame } from './reset-stream.js';

describe('RESET_STREAM (RFC 9000 §19.4)', () => {
  it('encodes Stream ID, Application Protocol Error Code and Final Size (exact hex)', () => {
    const frame: ResetStreamFrame = { kind: 'resetStream', streamId: 4, errorCode: 0x100, finalSize: 0x1234_5678 };
    expect(toHex(encodeToBytes(frame))).toBe('04' + '04' + '4100' + '92345678');
    expect(decodeOne(fromHex('0404410092345678'))).toStrictEqual(frame);
  });

  it('round-trips, matches sizeOf, and fails cleanly on every prefix', () =>
    forAll(frameArbitraries.resetStream, (f) => checkFrameLaws(f)));
});
