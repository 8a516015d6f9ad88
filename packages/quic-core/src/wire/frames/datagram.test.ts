import { Reader, fromHex, toHex, utf8 } from '@qk/octets';
import { describe, expect, it } from 'vitest';
import { TransportErrorCode } from '../../errors.js';
import {
  checkFrameLaws,
  checkLastInPacketLaws,
  decodeOne,
  encodeToBytes,
  forAll,
  frameArbitraries,
} from '../arbitraries.test.js';
import { sizeOfDatagram } from './datagram.js';
import { decodeFrame } from './index.js';

describe('DATAGRAM (RFC 9221 §4)', () => {
  it('type 0x31 has a Length field; 0x30, the last frame of a packet, does not (exact hex)', () => {
    const frame = { kind: 'datagram', data: utf8('abc') } as const;
    expect(toHex(encodeToBytes(frame))).toBe('3103616263');
    expect(toHex(encodeToBytes(frame, true))).toBe('30616263');
    expect(sizeOfDatagram(frame, true)).toBe(4);
    expect(decodeOne(fromHex('3103616263'))).toStrictEqual(frame);
    expect(decodeOne(fromHex('30616263'))).toStrictEqual(frame);
    expect(decodeOne(fromHex('30'))).toStrictEqual({ kind: 'datagram', data: new Uint8Array(0) });
  });

  it('is allowed in 0-RTT and 1-RTT packets only', () => {
    expect(decodeFrame(new Reader(fromHex('3100')), 'zeroRtt').kind).toBe('datagram');
    for (const t of ['initial', 'handshake'] as const) {
      expect(() => decodeFrame(new Reader(fromHex('3100')), t)).toThrow(
        expect.objectContaining({ code: TransportErrorCode.PROTOCOL_VIOLATION, frameType: 0x31 }),
      );
    }
  });

  it('round-trips with and without Length, matches sizeOf, and fails cleanly on every prefix', () =>
    forAll(frameArbitraries.datagram, (f) => {
      checkFrameLaws(f);
      checkLastInPacketLaws(f);
    }));
});
