import fc from 'fast-check';
import { DecodeError, Reader, Writer, fromHex } from '@qk/octets';
import { describe, expect, it } from 'vitest';
import { TransportError, TransportErrorCode } from '../../errors.js';
import { arbFrame, checkFrameLaws, encodeToBytes, forAll, frameArbitraries } from '../arbitraries.test.js';
import type { FramePacketType } from '../packet-type.js';
import {
  FrameType,
  countsInFlight,
  decodeFrame,
  encodeFrame,
  frameTypeInfo,
  frameTypeName,
  frameTypeOf,
  isAckEliciting,
  isFrameAllowedIn,
  isProbing,
  knownFrameTypes,
  sizeOfFrame,
} from './index.js';
import type { Frame, FrameKind } from './index.js';

const PACKET_TYPES: readonly FramePacketType[] = ['initial', 'handshake', 'zeroRtt', 'oneRtt'];
const FEE = TransportErrorCode.FRAME_ENCODING_ERROR;
const PV = TransportErrorCode.PROTOCOL_VIOLATION;

/**
 * RFC 9000 Table 3 (§12.4), transcribed independently of the implementation: for each type, the packet types it may
 * appear in (I, H, 0, 1), with §12.5's RETIRE_CONNECTION_ID exclusion from 0-RTT and RFC 9221's DATAGRAM rows.
 */
const TABLE_3: ReadonlyArray<readonly [types: readonly number[], allowed: string, spec: string]> = [
  [[0x00], 'IH01', 'NP'],
  [[0x01], 'IH01', ''],
  [[0x02, 0x03], 'IH_1', 'NC'],
  [[0x04], '__01', ''],
  [[0x05], '__01', ''],
  [[0x06], 'IH_1', ''],
  [[0x07], '___1', ''],
  [[0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f], '__01', 'F'],
  [[0x10], '__01', ''],
  [[0x11], '__01', ''],
  [[0x12, 0x13], '__01', ''],
  [[0x14], '__01', ''],
  [[0x15], '__01', ''],
  [[0x16, 0x17], '__01', ''],
  [[0x18], '__01', 'P'],
  [[0x19], '___1', ''], // Table 3 says __01; RFC 9000 §12.5 lets a server reject it in 0-RTT, and qk does
  [[0x1a], '__01', 'P'],
  [[0x1b], '___1', 'P'],
  [[0x1c], 'IH01', 'N'],
  [[0x1d], '__01', 'N'], // "ih": only type 0x1c may appear in Initial or Handshake packets
  [[0x1e], '___1', ''],
  [[0x30, 0x31], '__01', ''],
];

/** A minimal valid encoding of each frame type. */
function sampleOf(type: number): Uint8Array {
  const w = new Writer(128);
  w.writeU8(type);
  if (type >= 0x08 && type <= 0x0f) {
    w.writeU8(0x04); // stream id
    if (type & 0x04) w.writeU8(1);
    if (type & 0x02) w.writeU8(1);
    w.writeU8(0xee);
    return w.finish().slice();
  }
  const body: Record<number, string> = {
    0x00: '',
    0x01: '',
    0x02: '00000000',
    0x03: '00000000000000',
    0x04: '000000',
    0x05: '0000',
    0x06: '0001aa',
    0x07: '01aa',
    0x10: '00',
    0x11: '0000',
    0x12: '00',
    0x13: '00',
    0x14: '00',
    0x15: '0000',
    0x16: '00',
    0x17: '00',
    0x18: '010001aa' + '00'.repeat(16),
    0x19: '00',
    0x1a: '00'.repeat(8),
    0x1b: '00'.repeat(8),
    0x1c: '000000',
    0x1d: '0000',
    0x1e: '',
    0x30: 'aa',
    0x31: '01aa',
  };
  w.writeBytes(fromHex(body[type]!));
  return w.finish().slice();
}

describe('RFC 9000 Table 3 (§12.4) and RFC 9221', () => {
  it('knows exactly the listed frame types', () => {
    const listed = TABLE_3.flatMap(([types]) => types).sort((a, b) => a - b);
    expect(knownFrameTypes().map((i) => i.type)).toStrictEqual(listed);
    for (let t = 0; t < 0x40; t++) expect(frameTypeInfo(t) !== undefined).toBe(listed.includes(t));
    expect(frameTypeInfo(0x1234)).toBeUndefined();
  });

  for (const [types, allowed, spec] of TABLE_3) {
    for (const type of types) {
      it(`type 0x${type.toString(16)} (${frameTypeName(type)}) is allowed in ${allowed} and marked "${spec}"`, () => {
        const info = frameTypeInfo(type)!;
        expect(info.ackEliciting).toBe(!spec.includes('N'));
        expect(info.congestionControlled).toBe(!spec.includes('C'));
        expect(info.probing).toBe(spec.includes('P'));
        expect(info.flowControlled).toBe(spec.includes('F'));
        const bytes = sampleOf(type);
        PACKET_TYPES.forEach((packetType, i) => {
          const ok = allowed[i] !== '_';
          expect(isFrameAllowedIn(type, packetType)).toBe(ok);
          const r = new Reader(bytes);
          if (ok) {
            expect(frameTypeOf(decodeFrame(r, packetType))).toBe(type === 0x08 || type === 0x09 || type === 0x0c || type === 0x0d ? type | 0x02 : type === 0x30 ? 0x31 : type);
            expect(r.isEmpty()).toBe(true);
          } else {
            expect(() => decodeFrame(r, packetType)).toThrow(expect.objectContaining({ code: PV, frameType: type }));
          }
        });
      });
    }
  }

  it('the predicates agree with the table for every frame', () =>
    forAll(arbFrame, (frame) => {
      const info = frameTypeInfo(frameTypeOf(frame))!;
      expect(isAckEliciting(frame)).toBe(info.ackEliciting);
      expect(isProbing(frame)).toBe(info.probing);
      // RFC 9002 §2: in flight when ack-eliciting or PADDING.
      expect(countsInFlight(frame)).toBe(info.ackEliciting || frame.kind === 'padding');
    }));
});

describe('decodeFrame errors (RFC 9000 §12.4)', () => {
  it('rejects unknown frame types with FRAME_ENCODING_ERROR', () => {
    for (const hex of ['1f', '20', '2f', '32', '3f', '4040', '7fff', '80001234', 'c000000000001234']) {
      const type = new Reader(fromHex(hex)).readVarint();
      expect(() => decodeFrame(new Reader(fromHex(hex)), 'oneRtt')).toThrow(expect.objectContaining({ code: FEE, frameType: type }));
    }
  });

  it('rejects a known frame type that is not minimally encoded with PROTOCOL_VIOLATION', () => {
    for (const hex of ['4001', '800000' + '01', 'c0000000000000' + '1e', '4008' + '0000']) {
      expect(() => decodeFrame(new Reader(fromHex(hex)), 'oneRtt')).toThrow(expect.objectContaining({ code: PV }));
    }
  });

  it('maps a truncated frame to FRAME_ENCODING_ERROR carrying the frame type, with the DecodeError as cause', () => {
    let caught: unknown;
    try {
      decodeFrame(new Reader(fromHex('0401')), 'oneRtt');
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(TransportError);
    expect(caught).toMatchObject({ code: FEE, frameType: FrameType.RESET_STREAM });
    expect((caught as TransportError).cause).toBeInstanceOf(DecodeError);
    expect(() => decodeFrame(new Reader(new Uint8Array(0)), 'oneRtt')).toThrow(
      expect.objectContaining({ code: FEE, frameType: undefined }),
    );
    expect(() => decodeFrame(new Reader(fromHex('40')), 'oneRtt')).toThrow(expect.objectContaining({ code: FEE }));
  });

  it('throws nothing but TransportError on random bytes, in every packet type', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), fc.constantFrom(...PACKET_TYPES), (bytes, packetType) => {
        const r = new Reader(bytes);
        try {
          while (!r.isEmpty()) {
            const before = r.offset;
            decodeFrame(r, packetType);
            expect(r.offset).toBeGreaterThan(before);
          }
        } catch (e) {
          expect(e).toBeInstanceOf(TransportError);
          expect([FEE, PV]).toContain((e as TransportError).code);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('throws nothing but TransportError on mutated valid frames', () => {
    fc.assert(
      fc.property(arbFrame, fc.nat(), fc.integer({ min: 0, max: 255 }), (frame, at, value) => {
        const bytes = encodeToBytes(frame);
        bytes[at % bytes.length] = value;
        try {
          const r = new Reader(bytes);
          while (!r.isEmpty()) decodeFrame(r, 'oneRtt');
        } catch (e) {
          expect(e).toBeInstanceOf(TransportError);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('the Frame union', () => {
  it('every frame kind obeys the codec laws', () => forAll(arbFrame, (frame) => checkFrameLaws(frame), 500));

  it('a packet payload of several frames decodes back in order, the last one possibly without Length', () => {
    fc.assert(
      fc.property(fc.array(arbFrame, { minLength: 1, maxLength: 8 }), fc.boolean(), (frames, lastWithoutLength) => {
        // Two PADDING runs in a row would merge into one; keep the list unambiguous.
        const list = frames.filter((f, i) => !(f.kind === 'padding' && frames[i - 1]?.kind === 'padding'));
        const w = new Writer(8192);
        let size = 0;
        list.forEach((f, i) => {
          const last = lastWithoutLength && i === list.length - 1;
          encodeFrame(w, f, last);
          size += sizeOfFrame(f, last);
        });
        expect(w.length).toBe(size);
        const r = new Reader(w.finish());
        const decoded: Frame[] = [];
        while (!r.isEmpty()) decoded.push(decodeFrame(r, 'oneRtt'));
        expect(decoded).toStrictEqual(list);
      }),
      { numRuns: 200 },
    );
  });

  it('has an arbitrary for every kind', () => {
    const kinds = Object.keys(frameArbitraries) as FrameKind[];
    expect(new Set(kinds).size).toBe(21);
  });
});
