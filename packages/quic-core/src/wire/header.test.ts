import fc from 'fast-check';
import { Writer, concat, fromHex, toHex } from '@qk/octets';
import { describe, expect, it } from 'vitest';
import { QuicVersion } from '../versions.js';
import { arbBytes } from './arbitraries.test.js';
import {
  MIN_BYTES_AFTER_PN_OFFSET,
  decodeRetry,
  decodeVersionNegotiation,
  encodeLongHeader,
  encodeRetry,
  encodeRetryWithoutTag,
  encodeShortHeader,
  encodeVersionNegotiation,
  keyPhaseFromFirstByte,
  packetNumberLengthFromFirstByte,
  parseLongHeader,
  parsePacket,
  parseShortHeader,
  patchLongHeaderLength,
  peekDatagram,
  protectedFirstByteBits,
  reservedBitsFromFirstByte,
  retryPseudoPacket,
  sizeOfLongHeader,
  sizeOfShortHeader,
} from './header.js';
import type { LongHeaderFields, ParseResult, ShortHeaderFields } from './header.js';
import type { PacketNumberLength } from './packet-number.js';

const CLIENT_DCID = '8394c8f03e515708';
const SERVER_SCID = 'f067a5502a4262b5';

/** A header followed by filler up to `total` bytes (header parsing never looks past the packet number offset). */
const padded = (headerHex: string, total: number): Uint8Array => {
  const header = fromHex(headerHex);
  const out = new Uint8Array(total);
  out.set(header);
  return out;
};

/** Writes a long header, `payload` bytes after the packet number, and patches the Length. */
function buildLong(h: LongHeaderFields, bytesAfterPn: number): Uint8Array {
  const w = new Writer(4096);
  const layout = encodeLongHeader(w, h);
  w.fill(bytesAfterPn - h.packetNumberLength, 0xab);
  patchLongHeaderLength(w, layout, w.length);
  return w.finish().slice();
}

function buildShort(h: ShortHeaderFields, bytesAfterPn: number): Uint8Array {
  const w = new Writer(4096);
  encodeShortHeader(w, h);
  w.fill(bytesAfterPn - h.packetNumberLength, 0xcd);
  return w.finish().slice();
}

function expectDrop(result: ParseResult | { kind: string }, reason?: string): void {
  expect(result.kind).toBe('drop');
  if (reason !== undefined) expect(result).toMatchObject({ reason });
}

describe('RFC 9001 Appendix A and RFC 9369 Appendix A headers', () => {
  it('parses the protected client Initial of RFC 9001 §A.2 and builds its unprotected header', () => {
    const datagram = padded('c000000001088394c8f03e5157080000449e7b9aec34', 1200);
    expect(parseLongHeader(datagram, 0)).toStrictEqual({
      kind: 'long',
      packetType: 'initial',
      firstByte: 0xc0,
      fixedBit: true,
      version: QuicVersion.v1,
      dcid: fromHex(CLIENT_DCID),
      scid: new Uint8Array(0),
      token: new Uint8Array(0),
      length: 1182,
      start: 0,
      pnOffset: 18,
      end: 1200,
    });
    const built = buildLong(
      {
        packetType: 'initial',
        version: QuicVersion.v1,
        dcid: fromHex(CLIENT_DCID),
        scid: new Uint8Array(0),
        packetNumber: 2,
        packetNumberLength: 4,
      },
      1182,
    );
    expect(toHex(built.subarray(0, 22))).toBe('c300000001088394c8f03e5157080000449e00000002');
  });

  it('parses the protected server Initial of RFC 9001 §A.3 and builds its unprotected header', () => {
    const datagram = padded('cf000000010008f067a5502a4262b5004075c0d95a482cd0991cd25b0aac406a', 135);
    expect(parsePacket(datagram, 0, 0)).toMatchObject({
      kind: 'long',
      packetType: 'initial',
      scid: fromHex(SERVER_SCID),
      length: 117,
      pnOffset: 18,
      end: 135,
    });
    const h: LongHeaderFields = {
      packetType: 'initial',
      version: QuicVersion.v1,
      dcid: new Uint8Array(0),
      scid: fromHex(SERVER_SCID),
      packetNumber: 1,
      packetNumberLength: 2,
    };
    const built = buildLong(h, 117);
    expect(toHex(built.subarray(0, 20))).toBe('c1000000010008f067a5502a4262b50040750001');
    expect(sizeOfLongHeader(h)).toBe(20);
  });

  it('parses the v2 client Initial of RFC 9369 §A.2 (Initial type bits 0b01) and builds its header', () => {
    const datagram = padded('d76b3343cf088394c8f03e5157080000449ea0c95e82', 1200);
    expect(parseLongHeader(datagram)).toMatchObject({ kind: 'long', packetType: 'initial', version: QuicVersion.v2, end: 1200 });
    const built = buildLong(
      {
        packetType: 'initial',
        version: QuicVersion.v2,
        dcid: fromHex(CLIENT_DCID),
        scid: new Uint8Array(0),
        packetNumber: 2,
        packetNumberLength: 4,
      },
      1182,
    );
    expect(toHex(built.subarray(0, 22))).toBe('d36b3343cf088394c8f03e5157080000449e00000002');
  });

  it('decodes and rebuilds the Retry of RFC 9001 §A.4, and forms its pseudo-packet', () => {
    const hex = 'ff000000010008f067a5502a4262b5746f6b656e04a265ba2eff4d829058fb3f0f2496ba';
    const retry = decodeRetry(fromHex(hex));
    if (retry.kind !== 'retry') throw new Error(`dropped: ${retry.reason}`);
    expect(retry).toMatchObject({ version: QuicVersion.v1, dcid: new Uint8Array(0), scid: fromHex(SERVER_SCID), start: 0, end: 36 });
    expect(toHex(retry.token)).toBe('746f6b656e');
    expect(toHex(retry.integrityTag)).toBe('04a265ba2eff4d829058fb3f0f2496ba');
    const fields = { version: QuicVersion.v1, dcid: new Uint8Array(0), scid: fromHex(SERVER_SCID), token: retry.token, unusedBits: 0xf };
    expect(toHex(encodeRetry(fields, retry.integrityTag))).toBe(hex);
    expect(toHex(retryPseudoPacket(fromHex(CLIENT_DCID), retry.withoutTag))).toBe(
      '08' + CLIENT_DCID + 'ff000000010008f067a5502a4262b5746f6b656e',
    );
    expect(toHex(encodeRetryWithoutTag(fields))).toBe(toHex(retry.withoutTag));
  });

  it('decodes and rebuilds the v2 Retry of RFC 9369 §A.4 (Retry type bits 0b00)', () => {
    const hex = 'cf6b3343cf0008f067a5502a4262b5746f6b656ec8646ce8bfe33952d955543665dcc7b6';
    const retry = decodeRetry(fromHex(hex));
    if (retry.kind !== 'retry') throw new Error(`dropped: ${retry.reason}`);
    expect(retry.version).toBe(QuicVersion.v2);
    const fields = { version: QuicVersion.v2, dcid: new Uint8Array(0), scid: fromHex(SERVER_SCID), token: retry.token, unusedBits: 0xf };
    expect(toHex(encodeRetry(fields, retry.integrityTag))).toBe(hex);
  });

  it('parses the ChaCha20 short-header packet of RFC 9001 §A.5 and builds its unprotected header', () => {
    const packet = fromHex('4cfe4189655e5cd55c41f69080575d7999c25a5bfb');
    expect(parsePacket(packet, 0, 0)).toStrictEqual({
      kind: 'short',
      firstByte: 0x4c,
      fixedBit: true,
      spinBit: false,
      dcid: new Uint8Array(0),
      start: 0,
      pnOffset: 1,
      end: 21,
    });
    const h: ShortHeaderFields = { dcid: new Uint8Array(0), packetNumber: 0xbff4, packetNumberLength: 3, keyPhase: false };
    expect(toHex(buildShort(h, 3))).toBe('4200bff4');
    expect(sizeOfShortHeader(h)).toBe(4);
    expect(packetNumberLengthFromFirstByte(0x42)).toBe(3);
    expect(keyPhaseFromFirstByte(0x42)).toBe(false);
  });
});

describe('coalesced packets (RFC 9000 §12.2)', () => {
  it('walks Initial, Handshake and 1-RTT packets in one datagram', () => {
    const dcid = fromHex('0102030405060708');
    const scid = fromHex('a1a2a3a4');
    const initial = buildLong({ packetType: 'initial', version: QuicVersion.v1, dcid, scid, token: fromHex('77'), packetNumber: 0, packetNumberLength: 1 }, 40);
    const handshake = buildLong({ packetType: 'handshake', version: QuicVersion.v1, dcid, scid, packetNumber: 0x1234, packetNumberLength: 2 }, 30);
    const short = buildShort({ dcid, packetNumber: 7, packetNumberLength: 1, keyPhase: true, spinBit: true }, 25);
    const datagram = concat(initial, handshake, short);
    const seen: string[] = [];
    for (let at = 0; at < datagram.length; ) {
      const p = parsePacket(datagram, at, dcid.length);
      if (p.kind === 'drop') throw new Error(p.reason);
      expect(p.start).toBe(at);
      seen.push(p.kind === 'long' ? p.packetType : p.kind);
      if (p.kind === 'long' && p.packetType === 'initial') expect(toHex(p.token)).toBe('77');
      if (p.kind === 'short') {
        expect(p.spinBit).toBe(true);
        expect(keyPhaseFromFirstByte(p.firstByte)).toBe(true);
        expect(toHex(p.dcid)).toBe(toHex(dcid));
      }
      at = p.end;
    }
    expect(seen).toStrictEqual(['initial', 'handshake', 'short']);
  });
});

describe('dropping bad headers', () => {
  const initial = buildLong(
    { packetType: 'initial', version: QuicVersion.v1, dcid: fromHex(CLIENT_DCID), scid: fromHex('0102'), token: fromHex('aabbcc'), packetNumber: 1, packetNumberLength: 2 },
    60,
  );

  it('drops every proper prefix of a long-header packet', () => {
    for (let n = 0; n < initial.length; n++) {
      expectDrop(parsePacket(initial.subarray(0, n), 0, 8));
    }
    expect(parsePacket(initial, 0, 8).kind).toBe('long');
  });

  it('drops connection IDs over 20 bytes in v1 and v2, but reads up to 255 in other versions', () => {
    const tooLong = concat(fromHex('c000000001' + '15'), new Uint8Array(21), fromHex('00'), new Uint8Array(40));
    expectDrop(parseLongHeader(tooLong), 'connectionIdTooLong');
    expectDrop(peekDatagram(tooLong, 8), 'connectionIdTooLong');
    const scidTooLong = concat(fromHex('d06b3343cf' + '00' + '15'), new Uint8Array(61));
    expectDrop(parseLongHeader(scidTooLong), 'connectionIdTooLong');
    const other = concat(fromHex('c01a2a3a4a' + 'ff'), new Uint8Array(255).fill(7), fromHex('01ee'), new Uint8Array(10));
    expect(parseLongHeader(other)).toMatchObject({ kind: 'unsupportedVersion', version: 0x1a2a3a4a, scid: fromHex('ee'), end: other.length });
    expect((parseLongHeader(other) as { dcid: Uint8Array }).dcid.length).toBe(255);
    expect(peekDatagram(other, 8)).toMatchObject({ kind: 'long', version: 0x1a2a3a4a, isInitial: false });
  });

  it('drops a Length beyond the datagram, and packets too short for the header protection sample', () => {
    const w = new Writer(256);
    const layout = encodeLongHeader(w, { packetType: 'handshake', version: QuicVersion.v1, dcid: fromHex('01'), scid: fromHex('02'), packetNumber: 0, packetNumberLength: 1 });
    w.fill(40, 0);
    patchLongHeaderLength(w, layout, w.length + 1);
    expectDrop(parseLongHeader(w.finish()), 'lengthBeyondDatagram');
    patchLongHeaderLength(w, layout, layout.pnOffset + MIN_BYTES_AFTER_PN_OFFSET - 1);
    expectDrop(parseLongHeader(w.finish()), 'tooShortToUnprotect');
    patchLongHeaderLength(w, layout, layout.pnOffset + MIN_BYTES_AFTER_PN_OFFSET);
    expect(parseLongHeader(w.finish()).kind).toBe('long');
    expectDrop(parseShortHeader(new Uint8Array(1 + 8 + 19).fill(0x41), 0, 8), 'tooShortToUnprotect');
    expect(parseShortHeader(new Uint8Array(1 + 8 + 20).fill(0x41), 0, 8).kind).toBe('short');
    expectDrop(parseShortHeader(new Uint8Array(5).fill(0x41), 0, 8), 'truncated');
  });

  it('drops Retry packets without a token or tag', () => {
    expectDrop(decodeRetry(fromHex('f00000000100' + '00' + '00'.repeat(16))), 'emptyRetryToken');
    expectDrop(decodeRetry(fromHex('f00000000100' + '00' + '00'.repeat(15))), 'malformedRetry');
    expectDrop(decodeRetry(initial), 'unexpectedPacketType');
  });

  it('exposes a cleared fixed bit instead of deciding', () => {
    const copy = initial.slice();
    copy[0] = copy[0]! & ~0x40;
    expect(parseLongHeader(copy)).toMatchObject({ kind: 'long', fixedBit: false });
    expect(peekDatagram(copy, 8)).toMatchObject({ fixedBit: false, isInitial: true });
    expect(parseShortHeader(new Uint8Array(30), 0, 4)).toMatchObject({ kind: 'short', fixedBit: false });
  });

  it('never throws on random bytes, at any offset and connection ID length, and stays within the datagram', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), fc.nat(130), fc.nat(21), (bytes, offset, cidLength) => {
        const p = parsePacket(bytes, offset, cidLength);
        if (p.kind !== 'drop') {
          expect(p.start).toBe(offset);
          expect(p.end).toBeGreaterThan(p.start);
          expect(p.end).toBeLessThanOrEqual(bytes.length);
          if (p.kind === 'long' || p.kind === 'short') {
            expect(p.pnOffset + MIN_BYTES_AFTER_PN_OFFSET).toBeLessThanOrEqual(p.end);
          }
        }
        peekDatagram(bytes, cidLength);
        decodeRetry(bytes);
        decodeVersionNegotiation(bytes);
      }),
      { numRuns: 3000 },
    );
  });

  it('never throws on random long headers of the versions qk speaks', () => {
    const arbLongish = fc
      .tuple(fc.integer({ min: 0x80, max: 0xff }), fc.constantFrom(QuicVersion.v1, QuicVersion.v2, 0), fc.uint8Array({ maxLength: 80 }))
      .map(([first, version, rest]) => {
        const head = new Uint8Array(5);
        head[0] = first;
        new DataView(head.buffer).setUint32(1, version);
        return concat(head, rest);
      });
    fc.assert(
      fc.property(arbLongish, (bytes) => {
        const p = parseLongHeader(bytes, 0);
        if (p.kind !== 'drop') expect(p.end).toBeLessThanOrEqual(bytes.length);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('Version Negotiation (RFC 9000 §17.2.1)', () => {
  it('encodes with the form bit and 0x40 set, version 0, and the supported versions (exact hex)', () => {
    const vn = encodeVersionNegotiation(fromHex('0102'), fromHex(CLIENT_DCID), [QuicVersion.v1, QuicVersion.v2, 0x0a0a0a0a], 0x5a);
    expect(toHex(vn)).toBe('da' + '00000000' + '02' + '0102' + '08' + CLIENT_DCID + '00000001' + '6b3343cf' + '0a0a0a0a');
    expect(decodeVersionNegotiation(vn)).toStrictEqual({
      kind: 'versionNegotiation',
      firstByte: 0xda,
      dcid: fromHex('0102'),
      scid: fromHex(CLIENT_DCID),
      supportedVersions: [1, 0x6b3343cf, 0x0a0a0a0a],
      start: 0,
      end: vn.length,
    });
    expect(peekDatagram(vn, 8)).toMatchObject({ kind: 'long', version: 0, isInitial: false });
  });

  it('drops a list that is empty or not a multiple of four bytes', () => {
    expectDrop(decodeVersionNegotiation(fromHex('80000000000000')), 'malformedVersionNegotiation');
    expectDrop(decodeVersionNegotiation(fromHex('8000000000000000000001ff')), 'malformedVersionNegotiation');
    expectDrop(decodeVersionNegotiation(fromHex('80000000000000000001')), 'malformedVersionNegotiation');
  });

  it('rejects unencodable input with RangeError', () => {
    expect(() => encodeVersionNegotiation(new Uint8Array(256), new Uint8Array(0), [1], 0)).toThrow(RangeError);
    expect(() => encodeVersionNegotiation(new Uint8Array(0), new Uint8Array(0), [], 0)).toThrow(RangeError);
    expect(() => encodeVersionNegotiation(new Uint8Array(0), new Uint8Array(0), [2 ** 32], 0)).toThrow(RangeError);
  });

  it('round-trips, and every proper prefix is dropped', () => {
    fc.assert(
      fc.property(
        arbBytes(255),
        arbBytes(255),
        fc.array(fc.integer({ min: 0, max: 0xffff_ffff }), { minLength: 1, maxLength: 8 }),
        fc.nat(255),
        (dcid, scid, versions, random) => {
          const vn = encodeVersionNegotiation(dcid, scid, versions, random);
          expect(decodeVersionNegotiation(vn)).toMatchObject({ dcid, scid, supportedVersions: versions });
          for (let n = 0; n < vn.length; n++) {
            const p = decodeVersionNegotiation(vn.subarray(0, n));
            // A prefix that ends on a version boundary is a shorter, valid list.
            if (p.kind !== 'drop') expect(p.supportedVersions).toStrictEqual(versions.slice(0, p.supportedVersions.length));
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});

const arbVersion = fc.constantFrom(QuicVersion.v1, QuicVersion.v2);
const arbPnLength = fc.constantFrom(1, 2, 3, 4) as fc.Arbitrary<PacketNumberLength>;

describe('header builders', () => {
  const arbLongFields: fc.Arbitrary<LongHeaderFields> = fc
    .record(
      {
        packetType: fc.constantFrom('initial' as const, 'zeroRtt' as const, 'handshake' as const),
        version: arbVersion,
        dcid: arbBytes(20),
        scid: arbBytes(20),
        token: arbBytes(80),
        packetNumberLength: arbPnLength,
        pnSeed: fc.nat(),
        fixedBit: fc.boolean(),
      },
      { noNullPrototype: true },
    )
    .map(({ pnSeed, token, ...h }) => ({
      ...h,
      ...(h.packetType === 'initial' ? { token } : {}),
      packetNumber: pnSeed % 2 ** (8 * h.packetNumberLength),
    }));

  it('long headers round-trip through the parser', () => {
    fc.assert(
      fc.property(arbLongFields, fc.integer({ min: MIN_BYTES_AFTER_PN_OFFSET, max: 300 }), (h, afterPn) => {
        const packet = buildLong(h, afterPn);
        const p = parsePacket(packet, 0, 0);
        if (p.kind !== 'long') throw new Error(`unexpected ${p.kind}`);
        expect(p).toMatchObject({
          packetType: h.packetType,
          version: h.version,
          dcid: h.dcid,
          scid: h.scid,
          token: h.token ?? new Uint8Array(0),
          fixedBit: h.fixedBit,
          length: afterPn,
          end: packet.length,
        });
        expect(p.pnOffset + h.packetNumberLength).toBe(sizeOfLongHeader(h));
        expect(packetNumberLengthFromFirstByte(p.firstByte)).toBe(h.packetNumberLength);
        expect(reservedBitsFromFirstByte(p.firstByte)).toBe(0);
        expect(protectedFirstByteBits(p.firstByte)).toBe(0x0f);
        expect(packet[p.pnOffset + h.packetNumberLength - 1]).toBe(h.packetNumber % 256);
        expect(peekDatagram(packet, 0)).toMatchObject({ kind: 'long', version: h.version, isInitial: h.packetType === 'initial' });
      }),
      { numRuns: 300 },
    );
  });

  it('short headers round-trip through the parser', () => {
    const arbShort = fc
      .record(
        { dcid: arbBytes(20), packetNumberLength: arbPnLength, pnSeed: fc.nat(), keyPhase: fc.boolean(), spinBit: fc.boolean() },
        { noNullPrototype: true },
      )
      .map(({ pnSeed, ...h }) => ({ ...h, packetNumber: pnSeed % 2 ** (8 * h.packetNumberLength) }));
    fc.assert(
      fc.property(arbShort, fc.integer({ min: MIN_BYTES_AFTER_PN_OFFSET, max: 100 }), (h, afterPn) => {
        const packet = buildShort(h, afterPn);
        const p = parsePacket(packet, 0, h.dcid.length);
        if (p.kind !== 'short') throw new Error(`unexpected ${p.kind}`);
        expect(p).toMatchObject({ dcid: h.dcid, spinBit: h.spinBit, fixedBit: true, pnOffset: 1 + h.dcid.length, end: packet.length });
        expect(keyPhaseFromFirstByte(p.firstByte)).toBe(h.keyPhase);
        expect(packetNumberLengthFromFirstByte(p.firstByte)).toBe(h.packetNumberLength);
        expect(reservedBitsFromFirstByte(p.firstByte)).toBe(0);
        expect(protectedFirstByteBits(p.firstByte)).toBe(0x1f);
        expect(sizeOfShortHeader(h)).toBe(p.pnOffset + h.packetNumberLength);
        expect(peekDatagram(packet, h.dcid.length)).toStrictEqual({ kind: 'short', dcid: h.dcid, fixedBit: true });
      }),
      { numRuns: 300 },
    );
  });

  it('Retry packets round-trip and every proper prefix is dropped or shorter', () => {
    fc.assert(
      fc.property(arbVersion, arbBytes(20), arbBytes(20), arbBytes(60, 1), arbBytes(16, 16), fc.nat(15), (version, dcid, scid, token, tag, unusedBits) => {
        const packet = encodeRetry({ version, dcid, scid, token, unusedBits }, tag);
        const retry = decodeRetry(packet);
        expect(retry).toMatchObject({ kind: 'retry', version, dcid, scid, token, integrityTag: tag, firstByte: packet[0] });
        for (let n = 0; n < packet.length; n++) {
          const p = decodeRetry(packet.subarray(0, n));
          // A Retry has no length field: a prefix can only be told apart when it leaves no room for a token.
          if (p.kind === 'retry') expect(p.token.length).toBeLessThan(token.length);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('rejects unencodable headers with RangeError', () => {
    const base: LongHeaderFields = { packetType: 'handshake', version: QuicVersion.v1, dcid: new Uint8Array(8), scid: new Uint8Array(8), packetNumber: 0, packetNumberLength: 1 };
    const w = new Writer(256);
    expect(() => encodeLongHeader(w, { ...base, version: 0x1a2a3a4a })).toThrow(RangeError);
    expect(() => encodeLongHeader(w, { ...base, dcid: new Uint8Array(21) })).toThrow(RangeError);
    expect(() => encodeLongHeader(w, { ...base, token: new Uint8Array(1) })).toThrow(RangeError);
    expect(() => encodeLongHeader(w, { ...base, packetNumber: 256 })).toThrow(RangeError);
    expect(() => encodeShortHeader(w, { dcid: new Uint8Array(21), packetNumber: 0, packetNumberLength: 1, keyPhase: false })).toThrow(RangeError);
    const layout = encodeLongHeader(w, base);
    expect(() => patchLongHeaderLength(w, layout, layout.pnOffset + 0x4000)).toThrow(RangeError);
    expect(() => encodeRetry({ version: QuicVersion.v1, dcid: new Uint8Array(0), scid: new Uint8Array(0), token: new Uint8Array(0) }, new Uint8Array(16))).toThrow(RangeError);
    expect(() => encodeRetry({ version: QuicVersion.v1, dcid: new Uint8Array(0), scid: new Uint8Array(0), token: new Uint8Array(1) }, new Uint8Array(15))).toThrow(RangeError);
  });
});
