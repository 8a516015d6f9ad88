import { Reader, fromHex, toHex } from '@qk/octets';
import { describe, expect, it } from 'vitest';
import { checkFrameLaws, encodeToBytes, forAll, frameArbitraries } from '../arbitraries.test.js';
import { decodeFrame } from './index.js';
import { sizeOfPadding } from './padding.js';

describe('PADDING (RFC 9000 §19.1)', () => {
  it('encodes a run as that many zero bytes', () => {
    expect(toHex(encodeToBytes({ kind: 'padding', length: 3 }))).toBe('000000');
    expect(sizeOfPadding({ kind: 'padding', length: 3 })).toBe(3);
  });

  it('decodes a run of zeros as one frame and stops at the next frame', () => {
    const r = new Reader(fromHex('0000000001'));
    expect(decodeFrame(r, 'initial')).toStrictEqual({ kind: 'padding', length: 4 });
    expect(decodeFrame(r, 'initial')).toStrictEqual({ kind: 'ping' });
    expect(r.isEmpty()).toBe(true);
  });

  it('is allowed in every packet type', () => {
    for (const t of ['initial', 'handshake', 'zeroRtt', 'oneRtt'] as const) {
      expect(decodeFrame(new Reader(fromHex('00')), t)).toStrictEqual({ kind: 'padding', length: 1 });
    }
  });

  it('rejects a non-positive length on encode', () => {
    expect(() => encodeToBytes({ kind: 'padding', length: 0 })).toThrow(RangeError);
  });

  it('round-trips', () => forAll(frameArbitraries.padding, (f) => checkFrameLaws(f)));
});
