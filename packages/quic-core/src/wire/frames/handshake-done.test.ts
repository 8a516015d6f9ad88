import { Reader, fromHex, toHex } from '@qk/octets';
import { describe, expect, it } from 'vitest';
import { TransportErrorCode } from '../../errors.js';
import { checkFrameLaws, encodeToBytes } from '../arbitraries.test.js';
import { decodeFrame } from './index.js';

describe('HANDSHAKE_DONE (RFC 9000 §19.20)', () => {
  it('is the single byte 1e', () => {
    expect(toHex(encodeToBytes({ kind: 'handshakeDone' }))).toBe('1e');
    expect(decodeFrame(new Reader(fromHex('1e')), 'oneRtt')).toStrictEqual({ kind: 'handshakeDone' });
  });

  it('is a PROTOCOL_VIOLATION outside 1-RTT packets', () => {
    for (const t of ['initial', 'handshake', 'zeroRtt'] as const) {
      expect(() => decodeFrame(new Reader(fromHex('1e')), t)).toThrow(
        expect.objectContaining({ code: TransportErrorCode.PROTOCOL_VIOLATION, frameType: 0x1e }),
      );
    }
  });

  it('obeys the codec laws', () => checkFrameLaws({ kind: 'handshakeDone' }));
});
