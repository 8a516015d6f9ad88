import { Reader, Writer, fromHex, toHex } from '@qk/octets';
import { describe, expect, it } from 'vitest';
import { TransportError, TransportErrorCode } from '../../errors.js';
import type { AckRange } from '../ack-range.js';
import { checkFrameLaws, decodeOne, encodeToBytes, forAll, frameArbitraries } from '../arbitraries.test.js';
import { DEFAULT_MAX_ACK_RANGES, encodeAck, sizeOfAck } from './ack.js';
import type { AckFrame } from './ack.js';
import { decodeFrame } from './index.js';

const FEE = TransportErrorCode.FRAME_ENCODING_ERROR;

/** An ACK with `count` ranges of one packet each, two apart: 2*count-2, ..., 2, 0. */
function manyRanges(count: number): AckFrame {
  const ranges: AckRange[] = [];
  for (let i = count - 1; i >= 0; i--) ranges.push({ smallest: 2 * i, largest: 2 * i });
  return { kind: 'ack', ranges, ackDelay: 0 };
}

describe('ACK (RFC 9000 §19.3)', () => {
  it('decodes the ACK of the RFC 9001 §A.3 server Initial', () => {
    const payload = fromHex('02000000000600405a');
    const r = new Reader(payload);
    expect(decodeFrame(r, 'initial')).toStrictEqual({ kind: 'ack', ranges: [{ smallest: 0, largest: 0 }], ackDelay: 0 });
    expect(r.offset).toBe(5);
  });

  it('encodes ranges as gaps and lengths, with ECN counts as type 0x03 (exact hex)', () => {
    const frame: AckFrame = {
      kind: 'ack',
      ranges: [
        { smallest: 95, largest: 100 },
        { smallest: 80, largest: 90 },
        { smallest: 0, largest: 10 },
      ],
      ackDelay: 0x1234,
      ecn: { ect0: 1, ect1: 0, ce: 0x40 },
    };
    // type 03, largest 100, delay 0x1234, 2 more ranges, first 5; gap 3 len 10; gap 68 len 10; ECN 1 0 64
    const hex = '03' + '4064' + '5234' + '02' + '05' + '03' + '0a' + '4044' + '0a' + '01' + '00' + '4040';
    expect(toHex(encodeToBytes(frame))).toBe(hex);
    expect(decodeOne(fromHex(hex))).toStrictEqual(frame);
    expect(sizeOfAck(frame)).toBe(hex.length / 2);
  });

  it('accepts a range that ends exactly at packet 0', () => {
    expect(decodeOne(fromHex('020a0001000008'))).toStrictEqual({
      kind: 'ack',
      ranges: [
        { smallest: 10, largest: 10 },
        { smallest: 0, largest: 8 },
      ],
      ackDelay: 0,
    });
  });

  it('rejects ranges going below packet 0 with FRAME_ENCODING_ERROR', () => {
    for (const hex of ['0205000006', '02050001000400', '020a0001000009', '0305000006000000']) {
      expect(() => decodeFrame(new Reader(fromHex(hex)), 'oneRtt')).toThrow(
        expect.objectContaining({ code: FEE, frameType: Number.parseInt(hex.slice(0, 2), 16) }),
      );
    }
  });

  it('keeps only the largest ranges beyond the cap, but still reads and validates them all', () => {
    const bytes = encodeToBytes(manyRanges(100));
    const r = new Reader(bytes);
    const capped = decodeFrame(r, 'oneRtt', 5) as AckFrame;
    expect(r.isEmpty()).toBe(true);
    expect(capped.ranges).toStrictEqual(manyRanges(100).ranges.slice(0, 5));
    expect((decodeOne(bytes) as AckFrame).ranges).toHaveLength(DEFAULT_MAX_ACK_RANGES);
    // The 80th range goes below 0: still an error although it is beyond the cap.
    const w = new Writer();
    w.writeVarint(0x02).writeVarint(150).writeVarint(0).writeVarint(80).writeVarint(0);
    for (let i = 0; i < 80; i++) w.writeVarint(0).writeVarint(0);
    expect(() => decodeFrame(new Reader(w.finish()), 'oneRtt', 5)).toThrow(expect.objectContaining({ code: FEE }));
  });

  it('turns a range count larger than the frame into FRAME_ENCODING_ERROR, not a long loop', () => {
    expect(() => decodeFrame(new Reader(fromHex('02' + '4064' + '00' + 'c01fffffffffffff' + '00' + '0000')), 'oneRtt')).toThrow(
      expect.objectContaining({ code: FEE, frameType: 2 }),
    );
  });

  it('is a PROTOCOL_VIOLATION in 0-RTT packets and allowed in the others', () => {
    const bytes = fromHex('0200000000');
    expect(() => decodeFrame(new Reader(bytes), 'zeroRtt')).toThrow(
      expect.objectContaining({ code: TransportErrorCode.PROTOCOL_VIOLATION }),
    );
    for (const t of ['initial', 'handshake', 'oneRtt'] as const) expect(decodeFrame(new Reader(bytes), t).kind).toBe('ack');
  });

  it('rejects unencodable ranges with RangeError', () => {
    const bad: AckRange[][] = [
      [],
      [{ smallest: 5, largest: 4 }],
      [{ smallest: -1, largest: 4 }],
      [
        { smallest: 5, largest: 6 },
        { smallest: 3, largest: 4 },
      ], // adjacent: must be merged
      [
        { smallest: 5, largest: 6 },
        { smallest: 3, largest: 5 },
      ], // overlapping
      [
        { smallest: 1, largest: 2 },
        { smallest: 5, largest: 6 },
      ], // ascending
    ];
    for (const ranges of bad) {
      expect(() => encodeAck(new Writer(), { kind: 'ack', ranges, ackDelay: 0 })).toThrow(RangeError);
      expect(() => sizeOfAck({ kind: 'ack', ranges, ackDelay: 0 })).toThrow(RangeError);
    }
  });

  it('round-trips, matches sizeOf, and fails cleanly on every prefix', () =>
    forAll(frameArbitraries.ack, (f) => checkFrameLaws(f)));

  it('throws only TransportError for truncated input', () => {
    const bytes = encodeToBytes(manyRanges(10));
    for (let n = 0; n < bytes.length; n++) {
      expect(() => decodeFrame(new Reader(bytes.subarray(0, n)), 'initial')).toThrow(TransportError);
    }
  });
});
