import { Reader, fromHex, toHex } from '@qk/octets';
import { describe, expect, it } from 'vitest';
import { TransportErrorCode } from '../../errors.js';
import { checkFrameLaws, decodeOne, encodeToBytes, forAll, frameArbitraries } from '../arbitraries.test.js';
import { decodeFrame } from './index.js';

describe('RETIRE_CONNECTION_ID (RFC 9000 §19.16)', () => {
  it('encodes the Sequence Number (exact hex)', () => {
    expect(toHex(encodeToBytes({ kind: 'retireConnectionId', sequenceNumber: 2 }))).toBe('1902');
    expect(decodeOne(fromHex('1902'))).toStrictEqual({ kind: 'retireConnectionId', sequenceNumber: 2 });
  });

  it('is a PROTOCOL_VIOLATION in 0-RTT packets (RFC 9000 §12.5)', () => {
    expect(() => decodeFrame(new Reader(fromHex('1902')), 'zeroRtt')).toThrow(
      expect.objectContaining({ code: TransportErrorCode.PROTOCOL_VIOLATION, frameType: 0x19 }),
    );
  });

  it('round-trips, matches sizeOf, and fails cleanly on every prefix', () =>
    forAll(frameArbitraries.retireConnectionId, (f) => checkFrameLaws(f)));
});
