import { Reader, fromHex, toHex, utf8 } from '@qk/octets';
import { describe, expect, it } from 'vitest';
import { TransportErrorCode } from '../../errors.js';
import { checkFrameLaws, decodeOne, encodeToBytes, forAll, frameArbitraries } from '../arbitraries.test.js';
import type { ConnectionCloseFrame } from './connection-close.js';
import { decodeFrame } from './index.js';

describe('CONNECTION_CLOSE (RFC 9000 §19.19)', () => {
  const transport: ConnectionCloseFrame = {
    kind: 'connectionClose',
    errorSpace: 'transport',
    errorCode: TransportErrorCode.FRAME_ENCODING_ERROR,
    frameType: 0x06,
    reasonPhrase: utf8('bad'),
  };
  const application: ConnectionCloseFrame = {
    kind: 'connectionClose',
    errorSpace: 'application',
    errorCode: 0x101,
    reasonPhrase: new Uint8Array(0),
  };

  it('type 0x1c carries the frame type, 0x1d does not (exact hex)', () => {
    expect(toHex(encodeToBytes(transport))).toBe('1c' + '07' + '06' + '03' + '626164');
    expect(toHex(encodeToBytes(application))).toBe('1d' + '4101' + '00');
    expect(decodeOne(fromHex('1c070603626164'))).toStrictEqual(transport);
    expect(decodeOne(fromHex('1d410100'))).toStrictEqual(application);
  });

  it('only type 0x1c may appear in Initial and Handshake packets (the "ih" of Table 3)', () => {
    for (const t of ['initial', 'handshake'] as const) {
      expect(decodeFrame(new Reader(fromHex('1c070603626164')), t)).toStrictEqual(transport);
      expect(() => decodeFrame(new Reader(fromHex('1d410100')), t)).toThrow(
        expect.objectContaining({ code: TransportErrorCode.PROTOCOL_VIOLATION, frameType: 0x1d }),
      );
    }
    for (const t of ['zeroRtt', 'oneRtt'] as const) {
      expect(decodeFrame(new Reader(fromHex('1d410100')), t)).toStrictEqual(application);
    }
  });

  it('rejects a reason phrase longer than the frame with FRAME_ENCODING_ERROR', () => {
    expect(() => decodeOne(fromHex('1d0005aabb'))).toThrow(
      expect.objectContaining({ code: TransportErrorCode.FRAME_ENCODING_ERROR, frameType: 0x1d }),
    );
  });

  it('round-trips, matches sizeOf, and fails cleanly on every prefix', () =>
    forAll(frameArbitraries.connectionClose, (f) => checkFrameLaws(f)));
});
