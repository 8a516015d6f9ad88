import { Reader, fromHex, toHex } from '@qk/octets';
import { describe, expect, it } from 'vitest';
import { checkFrameLaws, encodeToBytes } from '../arbitraries.test.js';
import { decodeFrame } from './index.js';

describe('PING (RFC 9000 §19.2)', () => {
  it('is the single byte 01 (the whole payload of RFC 9001 §A.5)', () => {
    expect(toHex(encodeToBytes({ kind: 'ping' }))).toBe('01');
    const r = new Reader(fromHex('01'));
    expect(decodeFrame(r, 'oneRtt')).toStrictEqual({ kind: 'ping' });
    expect(r.isEmpty()).toBe(true);
  });

  it('is allowed in every packet type', () => {
    for (const t of ['initial', 'handshake', 'zeroRtt', 'oneRtt'] as const) {
      expect(decodeFrame(new Reader(fromHex('01')), t).kind).toBe('ping');
    }
  });

  it('obeys the codec laws', () => checkFrameLaws({ kind: 'ping' }));
});
