import { Reader, fromHex, toHex } from '@qk/octets';
import { describe, expect, it } from 'vitest';
import { TransportErrorCode } from '../../errors.js';
import { checkFrameLaws, decodeOne, encodeToBytes, forAll, frameArbitraries } from '../arbitraries.test.js';
import { cryptoFrameOverhead, sizeOfCrypto } from './crypto.js';
import type { CryptoFrame } from './crypto.js';
import { decodeFrame } from './index.js';

/** RFC 9001 §A.2: the CRYPTO frame (offset 0, length 241) carrying the client's ClientHello. */
const RFC9001_A2_CRYPTO =
  '060040f1010000ed0303ebf8fa56f12939b9584a3896472ec40bb863cfd3e868' +
  '04fe3a47f06a2b69484c00000413011302010000c000000010000e00000b6578' +
  '616d706c652e636f6dff01000100000a00080006001d00170018001000070005' +
  '04616c706e000500050100000000003300260024001d00209370b2c9caa47fba' +
  'baf4559fedba753de171fa71f50f1ce15d43e994ec74d748002b000302030400' +
  '0d0010000e0403050306030203080408050806002d00020101001c0002400100' +
  '3900320408ffffffffffffffff05048000ffff07048000ffff08011001048000' +
  '75300901100f088394c8f03e51570806048000ffff';

describe('CRYPTO (RFC 9000 §19.6)', () => {
  it('decodes and re-encodes the RFC 9001 §A.2 client Initial CRYPTO frame', () => {
    const bytes = fromHex(RFC9001_A2_CRYPTO);
    const frame = decodeOne(bytes, 'initial') as CryptoFrame;
    expect(frame.offset).toBe(0);
    expect(frame.data.length).toBe(241);
    expect(toHex(frame.data.subarray(0, 4))).toBe('010000ed'); // ClientHello, 237 bytes
    expect(frame.data.buffer).toBe(bytes.buffer); // a view, not a copy
    expect(toHex(encodeToBytes(frame))).toBe(RFC9001_A2_CRYPTO);
    expect(sizeOfCrypto(frame)).toBe(245);
    expect(cryptoFrameOverhead(0, 241)).toBe(4);
  });

  it('decodes the CRYPTO frame after the ACK of the RFC 9001 §A.3 server Initial', () => {
    const r = new Reader(fromHex('0200000000' + '0600405a' + '00'.repeat(90)));
    decodeFrame(r, 'initial');
    const frame = decodeFrame(r, 'initial') as CryptoFrame;
    expect(frame).toMatchObject({ kind: 'crypto', offset: 0 });
    expect(frame.data.length).toBe(90);
    expect(r.isEmpty()).toBe(true);
  });

  it('rejects data ending beyond 2^62 - 1 with FRAME_ENCODING_ERROR, exactly at the boundary', () => {
    expect(() => decodeOne(fromHex('06ffffffffffffffff01aa'))).toThrow(
      expect.objectContaining({ code: TransportErrorCode.FRAME_ENCODING_ERROR, frameType: 6 }),
    );
    // 2^62 - 2 + 1 byte ends at 2^62 - 1: allowed (the offset saturates to 2^53 - 1 by the varint policy).
    expect(decodeOne(fromHex('06fffffffffffffffe01aa'))).toMatchObject({ kind: 'crypto', offset: Number.MAX_SAFE_INTEGER });
    expect(decodeOne(fromHex('06ffffffffffffffff00'))).toMatchObject({ kind: 'crypto', offset: Number.MAX_SAFE_INTEGER });
  });

  it('is a PROTOCOL_VIOLATION in 0-RTT packets', () => {
    expect(() => decodeFrame(new Reader(fromHex('060000')), 'zeroRtt')).toThrow(
      expect.objectContaining({ code: TransportErrorCode.PROTOCOL_VIOLATION, frameType: 6 }),
    );
  });

  it('round-trips, matches sizeOf, and fails cleanly on every prefix', () =>
    forAll(frameArbitraries.crypto, (f) => checkFrameLaws(f, 'handshake')));
});
