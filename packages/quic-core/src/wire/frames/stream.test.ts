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
import { decodeFrame } from './index.js';
import { sizeOfStream, streamFrameOverhead, streamFrameType } from './stream.js';
import type { StreamFrame } from './stream.js';

const FEE = TransportErrorCode.FRAME_ENCODING_ERROR;

describe('STREAM (RFC 9000 §19.8)', () => {
  it('omits a zero offset and writes LEN by default (type 0x0a, exact hex)', () => {
    const frame: StreamFrame = { kind: 'stream', streamId: 4, offset: 0, data: utf8('hello'), fin: false };
    expect(toHex(encodeToBytes(frame))).toBe('0a0405' + '68656c6c6f');
    expect(decodeOne(fromHex('0a040568656c6c6f'))).toStrictEqual(frame);
  });

  it('sets OFF, LEN and FIN (type 0x0f, exact hex)', () => {
    const frame: StreamFrame = { kind: 'stream', streamId: 0x400, offset: 1000, data: utf8('hi'), fin: true };
    expect(toHex(encodeToBytes(frame))).toBe('0f' + '4400' + '43e8' + '02' + '6869');
    expect(decodeOne(fromHex('0f440043e8026869'))).toStrictEqual(frame);
  });

  it('omits LEN for the last frame of a packet (type 0x09) and then extends to the packet end', () => {
    const frame: StreamFrame = { kind: 'stream', streamId: 4, offset: 0, data: utf8('hello'), fin: true };
    expect(toHex(encodeToBytes(frame, true))).toBe('0904' + '68656c6c6f');
    expect(sizeOfStream(frame, true)).toBe(7);
    expect(streamFrameType(frame, true)).toBe(0x09);
    const r = new Reader(fromHex('0804abcdef'));
    expect(decodeFrame(r, 'zeroRtt')).toStrictEqual({ kind: 'stream', streamId: 4, offset: 0, data: fromHex('abcdef'), fin: false });
    expect(r.isEmpty()).toBe(true);
  });

  it('decodes every one of the eight types', () => {
    for (let type = 0x08; type <= 0x0f; type++) {
      const off = (type & 0x04) !== 0 ? '05' : '';
      const len = (type & 0x02) !== 0 ? '02' : '';
      expect(decodeOne(fromHex(type.toString(16).padStart(2, '0') + '01' + off + len + 'aabb'))).toStrictEqual({
        kind: 'stream',
        streamId: 1,
        offset: off === '' ? 0 : 5,
        data: fromHex('aabb'),
        fin: (type & 0x01) !== 0,
      });
    }
  });

  it('rejects data ending beyond 2^62 - 1 with FRAME_ENCODING_ERROR, exactly at the boundary', () => {
    expect(() => decodeOne(fromHex('0e00ffffffffffffffff01aa'))).toThrow(expect.objectContaining({ code: FEE, frameType: 0x0e }));
    expect(() => decodeOne(fromHex('0c00fffffffffffffffeaabb'))).toThrow(expect.objectContaining({ code: FEE, frameType: 0x0c }));
    expect(decodeOne(fromHex('0c00ffffffffffffffff'))).toMatchObject({ offset: Number.MAX_SAFE_INTEGER, data: new Uint8Array(0) });
    expect(decodeOne(fromHex('0c00fffffffffffffffeaa'))).toMatchObject({ offset: Number.MAX_SAFE_INTEGER });
  });

  it('is a PROTOCOL_VIOLATION in Initial and Handshake packets', () => {
    for (const t of ['initial', 'handshake'] as const) {
      expect(() => decodeFrame(new Reader(fromHex('0a0000')), t)).toThrow(
        expect.objectContaining({ code: TransportErrorCode.PROTOCOL_VIOLATION, frameType: 0x0a }),
      );
    }
  });

  it('sizes its overhead for packet builders', () => {
    forAll(frameArbitraries.stream, (f) => {
      expect(streamFrameOverhead(f.streamId, f.offset, f.data.length) + f.data.length).toBe(sizeOfStream(f));
      expect(streamFrameOverhead(f.streamId, f.offset, f.data.length, true) + f.data.length).toBe(sizeOfStream(f, true));
    });
  });

  it('round-trips with and without LEN, matches sizeOf, and fails cleanly on every prefix', () =>
    forAll(frameArbitraries.stream, (f) => {
      checkFrameLaws(f);
      checkLastInPacketLaws(f);
    }));
});
