import { fromHex, Reader, toHex, Writer } from '@qk/octets';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DerError, DerReader, MAX_DER_DEPTH, civilFromDays, daysFromCivil, decodeDer, derBitString, derBoolean, derBytes,
  derExplicit, derImplicit, derInteger, derNamedBits, derNull, derOctetString, derOid, derSequence, derSet, derTime,
  derUnsignedInteger, encodeDer, integerContent, integerFromContent, oidContent, oidFromContent, sizeOfDer,
  timeContent, timeFromContent,
} from '../../src/x509/der.js';
import type { DerNode } from '../../src/x509/der.js';
import vectors from '../vectors/x509/der-vectors.json' with { type: 'json' };

type Read = 'integer' | 'boolean' | 'null' | 'oid' | 'bitstring' | 'time' | 'length' | 'any' | 'string';

function read(kind: Read, hex: string): unknown {
  const r = DerReader.of(fromHex(hex));
  let out: unknown;
  switch (kind) {
    case 'integer': out = r.integer('x').toString(); break;
    case 'boolean': out = r.boolean('x'); break;
    case 'null': r.null('x'); out = null; break;
    case 'oid': out = r.oid('x'); break;
    case 'bitstring': { const b = r.bitString('x'); out = { bytes: toHex(b.bytes), unusedBits: b.unusedBits }; break; }
    case 'time': out = new Date(r.time('x')).toISOString().replace('.000Z', 'Z'); break;
    case 'length': out = r.any('x').value.length; break;
    case 'any': out = r.any('x'); break;
    case 'string': out = r.string('x'); break;
  }
  r.end('x');
  return out;
}

describe('DER vectors (test/vectors/x509/der-vectors.json)', () => {
  for (const v of vectors.valid) {
    it(`decodes ${v.read} ${v.hex.slice(0, 24)} (${v.source})`, () => {
      const hex = v.read === 'length' ? v.hex + '00'.repeat(v.value as number) : v.hex;
      expect(read(v.read as Read, hex)).toEqual(v.value);
    });
  }
  for (const v of vectors.invalid) {
    it(`rejects ${v.read} ${v.hex.slice(0, 24)} (${v.source})`, () => {
      expect(() => read(v.read as Read, v.hex)).toThrow(DerError);
    });
  }

  it('encodes the valid vectors back to the same bytes', () => {
    for (const v of vectors.valid) {
      let node: DerNode | undefined;
      if (v.read === 'integer') node = derInteger(BigInt(v.value as string));
      else if (v.read === 'boolean') node = derBoolean(v.value as boolean);
      else if (v.read === 'null') node = derNull();
      else if (v.read === 'oid') node = derOid(v.value as string);
      else if (v.read === 'bitstring') {
        const b = v.value as { bytes: string; unusedBits: number };
        node = derBitString(fromHex(b.bytes), b.unusedBits);
      } else if (v.read === 'time') node = derTime(Date.parse(v.value as string));
      else if (v.read === 'length') node = derOctetString(new Uint8Array(v.value as number));
      if (!node) continue;
      const hex = v.read === 'length' ? v.hex + '00'.repeat(v.value as number) : v.hex;
      expect(toHex(derBytes(node)), v.source).toBe(hex);
    }
  });
});

describe('DER primitives', () => {
  it('named bits drop trailing zeros (KeyUsage)', () => {
    expect(toHex(derBytes(derNamedBits([0])))).toBe('03020780');
    expect(toHex(derBytes(derNamedBits([5, 6])))).toBe('03020106');
    expect(toHex(derBytes(derNamedBits([8])))).toBe('0303070080');
    expect(toHex(derBytes(derNamedBits([])))).toBe('030100');
  });

  it('unsigned integers get a sign byte only when needed', () => {
    expect(toHex(derBytes(derUnsignedInteger(fromHex('00007f'))))).toBe('02017f');
    expect(toHex(derBytes(derUnsignedInteger(fromHex('80'))))).toBe('02020080');
    expect(toHex(derBytes(derUnsignedInteger(new Uint8Array(0))))).toBe('020100');
  });

  it('explicit and implicit tagging', () => {
    expect(toHex(derBytes(derExplicit(0, derInteger(2))))).toBe('a003020102');
    expect(toHex(derBytes(derImplicit(2, derOctetString(fromHex('abcd')))))).toBe('8202abcd');
    expect(toHex(derBytes(derImplicit(1, derSequence([derNull()]))))).toBe('a1020500');
    const r = DerReader.of(fromHex('a003020102'));
    const inner = r.optionalExplicit(0, 'v');
    expect(inner?.integer('v')).toBe(2n);
    expect(DerReader.of(fromHex('a003020102')).optionalExplicit(1, 'v')).toBeUndefined();
  });

  it('SET OF sorts its elements by encoding', () => {
    expect(toHex(derBytes(derSet([derInteger(3), derInteger(1), derNull()])))).toBe('3108' + '020101' + '020103' + '0500');
    expect(toHex(derBytes(derSet([derOid('2.5.4.3'), derInteger(1)])))).toBe('3108' + '020101' + '0603550403');
  });

  it('rejects malformed OID strings when encoding', () => {
    for (const bad of ['', '1', '3.1', '1.40', '1.2.', '1..2', '1.02', 'a.b']) {
      expect(() => oidContent(bad), bad).toThrow(TypeError);
    }
  });

  it('decodes OIDs with arcs above 2^53 exactly', () => {
    const oid = '2.25.329800735698586629295641978511506172918';
    expect(oidFromContent(oidContent(oid))).toBe(oid);
    expect(oidFromContent(oidContent('2.999.3'))).toBe('2.999.3');
  });

  it('limits nesting depth', () => {
    let node: DerNode = derNull();
    for (let i = 0; i < MAX_DER_DEPTH + 2; i++) node = derSequence([node]);
    const bytes = derBytes(node);
    expect(() => decodeDer(new Reader(bytes))).toThrow(DerError);
    let r = DerReader.of(bytes);
    expect(() => {
      for (;;) r = r.sequence('nested');
    }).toThrow(/deeper than/);
  });

  it('civil date arithmetic agrees with Date.UTC', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 }), (y, m, d) => {
        const days = daysFromCivil(y, m, d);
        const date = new Date(0);
        date.setUTCFullYear(y, m - 1, d);
        date.setUTCHours(0, 0, 0, 0);
        expect(days * 86_400_000).toBe(date.getTime());
        expect(civilFromDays(days)).toEqual([y, m, d]);
      }),
      { numRuns: 300 },
    );
  });
});

describe('DER properties', () => {
  it('INTEGER: decode(encode(x)) = x, minimal', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(1n << 300n), max: 1n << 300n }), (x) => {
        const content = integerContent(x);
        expect(integerFromContent(content)).toBe(x);
        const r = DerReader.of(derBytes(derInteger(x)));
        expect(r.integer('x')).toBe(x);
      }),
      { numRuns: 300 },
    );
  });

  it('OID: decode(encode(x)) = x', () => {
    const arc = fc.oneof(fc.integer({ min: 0, max: 2 ** 40 }).map(String), fc.bigInt({ min: 0n, max: 1n << 130n }).map(String));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 39 }), fc.array(arc, { maxLength: 8 }), (a, b, rest) => {
        const oid = [String(a), String(b), ...rest].join('.');
        expect(DerReader.of(derBytes(derOid(oid))).oid('x')).toBe(oid);
      }),
      { numRuns: 300 },
    );
  });

  it('Time: decode(encode(t)) = t (whole seconds), UTCTime exactly for 1950-2049', () => {
    fc.assert(
      // 0000-01-01T00:00:00Z to 9999-12-31T23:59:59Z
      fc.property(fc.integer({ min: -62_167_219_200_000, max: 253_402_300_799_000 }), (ms) => {
        const t = Math.floor(ms / 1000) * 1000;
        const { tag, value } = timeContent(t);
        const year = new Date(t).getUTCFullYear();
        expect(tag).toBe(year >= 1950 && year < 2050 ? 0x17 : 0x18);
        expect(timeFromContent(tag, value)).toBe(t);
      }),
      { numRuns: 300 },
    );
  });

  const leafTag = fc.integer({ min: 0, max: 30 }).chain((n) =>
    fc.constantFrom(n, 0x40 | n, 0x80 | n, 0xc0 | n),
  );
  const tree: fc.Arbitrary<DerNode> = fc.letrec<{ node: DerNode }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.record({
        kind: fc.constant('primitive' as const),
        tag: leafTag,
        value: fc.uint8Array({ maxLength: 300 }),
      }),
      fc.record({
        kind: fc.constant('constructed' as const),
        tag: leafTag.map((t) => t | 0x20),
        children: fc.array(tie('node'), { maxLength: 4 }),
      }),
    ),
  })).node;

  it('generic tree: decode(encode(x)) = x, sizeOf matches, every proper prefix fails with DerError', () => {
    fc.assert(
      fc.property(tree, (node) => {
        const bytes = derBytes(node);
        expect(bytes.length).toBe(sizeOfDer(node));
        const w = new Writer(bytes.length);
        encodeDer(w, node);
        expect(toHex(w.finish())).toBe(toHex(bytes));
        const r = new Reader(bytes);
        expect(decodeDer(r)).toEqual(node);
        expect(r.isEmpty()).toBe(true);
        for (let n = 0; n < bytes.length; n++) {
          const prefix = bytes.subarray(0, n);
          expect(() => {
            const pr = new Reader(prefix);
            decodeDer(pr);
            pr.expectEnd();
          }).toThrow();
          try {
            decodeDer(new Reader(prefix));
          } catch (e) {
            expect(e).toBeInstanceOf(DerError);
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it('random bytes: decodeDer and every typed read throw only DerError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const attempts: (() => unknown)[] = [
          () => decodeDer(new Reader(bytes)),
          () => DerReader.of(bytes).integer('x'),
          () => DerReader.of(bytes).oid('x'),
          () => DerReader.of(bytes).time('x'),
          () => DerReader.of(bytes).string('x'),
          () => DerReader.of(bytes).bitString('x'),
          () => DerReader.of(bytes).boolean('x'),
          () => DerReader.of(bytes).sequence('x').any('y'),
        ];
        for (const f of attempts) {
          try {
            f();
          } catch (e) {
            expect(e).toBeInstanceOf(DerError);
          }
        }
      }),
      { numRuns: 1000 },
    );
  });
});
