import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecodeError, Reader, Writer, concat, constantTimeEqual, equal, fromHex, fromUtf8, toHex, utf8 } from '../src/index.js';

describe('Reader', () => {
  it('reads fixed-width integers big-endian', () => {
    const r = new Reader(fromHex('01 0203 040506 0708090a 0b0c0d0e0f101112 aabbccddeeff'));
    expect(r.readU8()).toBe(0x01);
    expect(r.readU16()).toBe(0x0203);
    expect(r.readU24()).toBe(0x040506);
    expect(r.readU32()).toBe(0x0708090a);
    expect(r.readU64()).toBe(0x0b0c0d0e0f101112n);
    expect(r.readUint(6)).toBe(0xaabbccddeeff);
    expect(r.isEmpty()).toBe(true);
    expect(() => r.readU8()).toThrow(DecodeError);
  });

  it('returns views, not copies', () => {
    const buf = fromHex('03aabbcc');
    const got = new Reader(buf).readU8Bytes();
    expect(got.buffer).toBe(buf.buffer);
    buf[1] = 0x11;
    expect(got[0]).toBe(0x11);
  });

  it('bounds sub-readers to their length', () => {
    const r = new Reader(fromHex('0002aabb cc'));
    const sub = r.sub(r.readU16());
    expect(toHex(sub.rest())).toBe('aabb');
    expect(() => sub.readU8()).toThrow(DecodeError);
    expect(r.readU8()).toBe(0xcc);
  });

  it('rejects lengths beyond the input without allocating', () => {
    expect(() => new Reader(fromHex('ffff')).readU16Bytes()).toThrow(DecodeError);
    expect(() => new Reader(fromHex('ffffff')).readU24Bytes()).toThrow(DecodeError);
    expect(() => new Reader(fromHex('bfffffff')).readVarintBytes()).toThrow(DecodeError);
    expect(() => new Reader(new Uint8Array(2)).readBytes(-1)).toThrow(DecodeError);
  });

  it('expectEnd catches trailing bytes', () => {
    const r = new Reader(fromHex('0001'));
    r.readU8();
    expect(() => r.expectEnd('x')).toThrow(DecodeError);
  });

  it('honours start and end bounds', () => {
    const r = new Reader(fromHex('00112233'), 1, 3);
    expect(r.offset).toBe(1);
    expect(r.remaining).toBe(2);
    expect(toHex(r.rest())).toBe('1122');
    expect(() => new Reader(new Uint8Array(2), 0, 3)).toThrow(RangeError);
  });

  it('random bytes never throw anything but DecodeError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 20 }), (bytes, ops) => {
        const r = new Reader(bytes);
        try {
          for (const op of ops) {
            [
              () => r.readU8(),
              () => r.readU16(),
              () => r.readU24(),
              () => r.readU32(),
              () => r.readU64(),
              () => r.readVarint(),
              () => r.readVarintBig(),
              () => r.readU8Bytes(),
              () => r.readU16Bytes(),
              () => r.readVarintBytes(),
            ][op]!();
          }
        } catch (e) {
          expect(e).toBeInstanceOf(DecodeError);
        }
      }),
    );
  });
});

describe('Writer', () => {
  it('grows and writes length-prefixed vectors', () => {
    const w = new Writer(1);
    w.withLength(2, (x) => x.writeU8Bytes(utf8('h3')).writeU8Bytes(utf8('hq-interop')));
    w.writeU24Bytes(fromHex('abcd')).writeVarintBytes(fromHex('ee'));
    expect(toHex(w.finish())).toBe('000e' + '026833' + '0a68712d696e7465726f70' + '000002abcd' + '01ee');
  });

  it('rejects oversized length prefixes', () => {
    expect(() => new Writer().withLength(1, (w) => w.fill(256))).toThrow(RangeError);
    expect(() => new Writer().writeU8Bytes(new Uint8Array(256))).toThrow(RangeError);
  });

  it('a fixed writer stops at its limit and writes nothing partial', () => {
    const buf = new Uint8Array(8);
    const w = Writer.into(buf, 2, 6);
    w.writeU16(0xaabb);
    expect(w.remaining).toBe(2);
    expect(() => w.writeU32(1)).toThrow(DecodeError);
    expect(w.length).toBe(4);
    w.writeU16(0xccdd);
    expect(toHex(buf)).toBe('0000aabbccdd0000');
    expect(toHex(w.finish())).toBe('0000aabbccdd');
  });

  it('writeUint and readUint round-trip every width', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.maxSafeNat(), (n, v) => {
        const value = v % 2 ** (8 * n);
        const bytes = new Writer().writeUint(value, n).finish();
        expect(bytes.length).toBe(n);
        expect(new Reader(bytes).readUint(n)).toBe(value);
      }),
    );
  });
});

describe('bytes helpers', () => {
  it('hex, concat, equality, utf8', () => {
    expect(toHex(concat(fromHex('00ff'), fromHex(''), fromHex('7f')))).toBe('00ff7f');
    expect(() => fromHex('abc')).toThrow(TypeError);
    expect(() => fromHex('zz')).toThrow(TypeError);
    expect(equal(fromHex('0102'), fromHex('0102'))).toBe(true);
    expect(constantTimeEqual(fromHex('0102'), fromHex('0103'))).toBe(false);
    expect(constantTimeEqual(fromHex('01'), fromHex('0102'))).toBe(false);
    expect(fromUtf8(utf8('héllo'))).toBe('héllo');
    expect(() => fromUtf8(fromHex('ff'))).toThrow(TypeError);
  });
});

describe('Writer growth', () => {
  it('every write method survives the reallocation it triggers', () => {
    const writes: Array<[string, (w: Writer) => void, number]> = [
      ['u8', (w) => w.writeU8(0xab), 1],
      ['u16', (w) => w.writeU16(0xabcd), 2],
      ['u24', (w) => w.writeU24(0xabcdef), 3],
      ['u32', (w) => w.writeU32(0xabcdef01), 4],
      ['u64', (w) => w.writeU64(0xabcdef0123456789n), 8],
      ['uint', (w) => w.writeUint(0xabcdef0123, 5), 5],
      ['varint', (w) => w.writeVarint(0x3fffffff), 4],
      ['bytes', (w) => w.writeBytes(new Uint8Array(10).fill(0xab)), 10],
      ['fill', (w) => w.fill(10, 0xab), 10],
    ];
    for (const [name, write, size] of writes) {
      // Fill the 16-byte initial buffer to every possible level, then write across the boundary.
      for (let prefill = 0; prefill <= 16; prefill++) {
        const w = new Writer(16);
        w.fill(prefill, 0x11);
        write(w);
        const out = w.finish();
        expect(out.length, name).toBe(prefill + size);
        expect(out.subarray(0, prefill).every((b) => b === 0x11), name).toBe(true);
        const ref = new Writer(1024);
        write(ref);
        expect(toHex(out.subarray(prefill)), name).toBe(toHex(ref.finish()));
      }
    }
  });
});
