/**
 * A small, strict DER reader and writer (ITU-T X.690 §10, the subset X.509 needs).
 *
 * Strict means: definite lengths only, in their minimal form, at most 4 length bytes; low tag numbers only (< 31);
 * primitives that must be primitive (INTEGER, strings, ...) are; INTEGERs, OIDs and BIT STRINGs are minimally
 * encoded; BOOLEAN is 0x00 or 0xff; nesting is depth-limited. Every malformation throws {@link DerError} (and
 * only that), which the X.509 layer turns into a `bad_certificate` or `decode_error` alert.
 *
 * Reading is schema-driven through {@link DerReader} (views, no copies). Writing builds a small tree of
 * {@link DerNode}s, encoded with the codec triple {@link decodeDer} / {@link encodeDer} / {@link sizeOfDer}.
 */
import { DecodeError, Reader, Writer, fromUtf8, utf8 } from '@qk/octets';

/** Universal tags (identifier octets, with the constructed bit for SEQUENCE and SET), X.680 §8.4. */
export const DerTag = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OBJECT_IDENTIFIER: 0x06,
  UTF8String: 0x0c,
  NumericString: 0x12,
  PrintableString: 0x13,
  T61String: 0x14,
  IA5String: 0x16,
  UTCTime: 0x17,
  GeneralizedTime: 0x18,
  VisibleString: 0x1a,
  UniversalString: 0x1c,
  BMPString: 0x1e,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/** The constructed bit of an identifier octet. */
const CONSTRUCTED = 0x20;
/** Context-specific class bits. */
const CONTEXT = 0x80;

/** Deepest nesting {@link DerReader} and {@link decodeDer} accept (X.509 needs about 10). */
export const MAX_DER_DEPTH = 32;

/** Largest content length accepted: 4 length octets. */
const MAX_LENGTH_OCTETS = 4;

/**
 * Malformed or non-DER input. The one error type of this module: callers map it to their protocol's alert
 * (`bad_certificate` for certificates, `decode_error` inside TLS messages).
 */
export class DerError extends Error {
  override readonly name = 'DerError';
  constructor(message: string) {
    super(message);
  }
}

/** One decoded TLV: views into the input, no copies. */
export interface DerElement {
  /** The identifier octet (class, constructed bit, tag number < 31). */
  readonly tag: number;
  /** The content octets. */
  readonly value: Uint8Array;
  /** The whole encoding: identifier, length and content (e.g. a Name's DER, for exact matching). */
  readonly raw: Uint8Array;
}

/** The identifier octet of context-specific `[n]`: constructed for EXPLICIT tagging (or an IMPLICIT SEQUENCE). */
export function contextTag(n: number, constructed: boolean): number {
  if (!Number.isInteger(n) || n < 0 || n > 30) throw new RangeError(`context tag number ${n} out of range`);
  return CONTEXT | (constructed ? CONSTRUCTED : 0) | n;
}

/** A short description of a tag for error messages. */
function describeTag(tag: number): string {
  for (const [name, value] of Object.entries(DerTag)) if (value === tag) return name;
  if ((tag & 0xc0) === CONTEXT) return `[${tag & 0x1f}]${tag & CONSTRUCTED ? ' constructed' : ''}`;
  return `tag 0x${tag.toString(16).padStart(2, '0')}`;
}

/**
 * Reads one TLV from `r`, enforcing the DER length rules. Throws {@link DerError} (never `DecodeError`).
 */
export function decodeDerElement(r: Reader): DerElement {
  const start = r.offset;
  const buf = r.buffer;
  if (r.remaining < 2) throw new DerError(`truncated DER header at offset ${start}`);
  const tag = r.readU8();
  if ((tag & 0x1f) === 0x1f) throw new DerError(`high tag numbers are not supported (offset ${start})`);
  const first = r.readU8();
  let length: number;
  if (first < 0x80) {
    length = first;
  } else if (first === 0x80) {
    throw new DerError(`indefinite length is not DER (offset ${start})`);
  } else {
    const n = first & 0x7f;
    if (n > MAX_LENGTH_OCTETS) throw new DerError(`length of ${n} octets exceeds ${MAX_LENGTH_OCTETS} (offset ${start})`);
    if (r.remaining < n) throw new DerError(`truncated DER length at offset ${start}`);
    length = r.readUint(n);
    if (buf[start + 2] === 0) throw new DerError(`non-minimal DER length (leading zero) at offset ${start}`);
    if (length < 0x80) throw new DerError(`non-minimal DER length (long form for ${length}) at offset ${start}`);
  }
  if (length > r.remaining) {
    throw new DerError(`truncated ${describeTag(tag)}: need ${length} content bytes at offset ${r.offset}, have ${r.remaining}`);
  }
  const value = r.readBytes(length);
  return { tag, value, raw: buf.subarray(start, r.offset) };
}

/** Size of a DER length field for `n` content bytes. */
export function sizeOfDerLength(n: number): number {
  if (n < 0x80) return 1;
  if (n < 0x100) return 2;
  if (n < 0x1_0000) return 3;
  if (n < 0x100_0000) return 4;
  if (n <= 0xffff_ffff) return 5;
  throw new RangeError(`DER content of ${n} bytes is too long`);
}

/** Writes a DER length field. */
export function encodeDerLength(w: Writer, n: number): void {
  const size = sizeOfDerLength(n);
  if (size === 1) w.writeU8(n);
  else w.writeU8(0x80 | (size - 1)).writeUint(n, size - 1);
}

// ---------------------------------------------------------------------------------------------------------------
// Primitive content decoders (operate on an element's content octets)
// ---------------------------------------------------------------------------------------------------------------

function checkIntegerContent(v: Uint8Array, what: string): void {
  if (v.length === 0) throw new DerError(`empty INTEGER (${what})`);
  if (v.length > 1) {
    const a = v[0]!;
    const b = v[1]!;
    if ((a === 0x00 && b < 0x80) || (a === 0xff && b >= 0x80)) throw new DerError(`non-minimal INTEGER (${what})`);
  }
}

/** The value of INTEGER content octets (two's complement, big-endian) as a bigint. */
export function integerFromContent(v: Uint8Array, what = 'INTEGER'): bigint {
  checkIntegerContent(v, what);
  let x = 0n;
  for (let i = 0; i < v.length; i++) x = (x << 8n) | BigInt(v[i]!);
  if (v[0]! & 0x80) x -= 1n << BigInt(v.length * 8);
  return x;
}

/** The content octets of an INTEGER with value `x` (minimal two's complement). */
export function integerContent(x: bigint): Uint8Array {
  const bytes: number[] = [];
  let v = x;
  // Emit low bytes until the remaining value is all sign bits and the top emitted byte carries the right sign.
  for (;;) {
    const byte = Number(v & 0xffn);
    bytes.push(byte);
    v >>= 8n;
    if ((v === 0n && (byte & 0x80) === 0) || (v === -1n && (byte & 0x80) !== 0)) break;
  }
  return Uint8Array.from(bytes.reverse());
}

/**
 * The content octets of a non-negative INTEGER whose magnitude is `magnitude` (big-endian, unsigned): leading
 * zeros stripped, one 0x00 added when the top bit is set.
 */
export function unsignedIntegerContent(magnitude: Uint8Array): Uint8Array {
  let i = 0;
  while (i < magnitude.length - 1 && magnitude[i] === 0) i++;
  const m = magnitude.subarray(i);
  if (m.length === 0) return new Uint8Array(1);
  if (m[0]! & 0x80) {
    const out = new Uint8Array(m.length + 1);
    out.set(m, 1);
    return out;
  }
  return m.slice();
}

/** A BIT STRING's bytes and its count of unused trailing bits (0 to 7). */
export interface BitString {
  readonly bytes: Uint8Array;
  readonly unusedBits: number;
}

/** Decodes BIT STRING content octets (DER: unused bits are zero, and absent when empty). */
export function bitStringFromContent(v: Uint8Array): BitString {
  if (v.length === 0) throw new DerError('empty BIT STRING');
  const unusedBits = v[0]!;
  if (unusedBits > 7) throw new DerError(`BIT STRING with ${unusedBits} unused bits`);
  const bytes = v.subarray(1);
  if (bytes.length === 0 && unusedBits !== 0) throw new DerError('empty BIT STRING with unused bits');
  if (unusedBits !== 0 && (bytes[bytes.length - 1]! & ((1 << unusedBits) - 1)) !== 0) {
    throw new DerError('BIT STRING unused bits are not zero');
  }
  return { bytes, unusedBits };
}

/** Decodes OBJECT IDENTIFIER content octets to dotted form ("1.2.840.113549.1.1.11"). */
export function oidFromContent(v: Uint8Array): string {
  if (v.length === 0) throw new DerError('empty OBJECT IDENTIFIER');
  if (v[v.length - 1]! & 0x80) throw new DerError('truncated OBJECT IDENTIFIER subidentifier');
  let out = '';
  let start = 0;
  for (let i = 0; i < v.length; i++) {
    if (v[i]! & 0x80) continue;
    // subidentifier is v[start..i]
    if (v[start] === 0x80) throw new DerError('non-minimal OBJECT IDENTIFIER subidentifier');
    let arc: number | bigint;
    if (i - start < 7) {
      let n = 0;
      for (let j = start; j <= i; j++) n = n * 128 + (v[j]! & 0x7f);
      arc = n;
    } else {
      let n = 0n;
      for (let j = start; j <= i; j++) n = (n << 7n) | BigInt(v[j]! & 0x7f);
      arc = n;
    }
    if (start === 0) {
      if (typeof arc === 'number') {
        out = arc < 40 ? `0.${arc}` : arc < 80 ? `1.${arc - 40}` : `2.${arc - 80}`;
      } else {
        out = `2.${arc - 80n}`;
      }
    } else {
      out += `.${arc}`;
    }
    start = i + 1;
  }
  return out;
}

/** Encodes a dotted OID to content octets. Throws `TypeError` for a malformed OID string. */
export function oidContent(dotted: string): Uint8Array {
  if (!/^[0-2](\.(0|[1-9][0-9]*))+$/.test(dotted)) throw new TypeError(`malformed OID '${dotted}'`);
  const arcs = dotted.split('.').map((s) => BigInt(s));
  const first = arcs[0]!;
  const second = arcs[1]!;
  if (first < 2n && second >= 40n) throw new TypeError(`malformed OID '${dotted}': second arc must be < 40`);
  const subs = [first * 40n + second, ...arcs.slice(2)];
  const out: number[] = [];
  for (const sub of subs) {
    const chunk: number[] = [Number(sub & 0x7fn)];
    let rest = sub >> 7n;
    while (rest > 0n) {
      chunk.push(Number(rest & 0x7fn) | 0x80);
      rest >>= 7n;
    }
    for (let i = chunk.length - 1; i >= 0; i--) out.push(chunk[i]!);
  }
  return Uint8Array.from(out);
}

const latin1 = new TextDecoder('latin1');

function isPrintableAscii(v: Uint8Array): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v[i]!;
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

/**
 * Decodes the content of a character string of type `tag` to a JavaScript string. UTF8String must be valid
 * UTF-8; PrintableString, IA5String, VisibleString and NumericString must be ASCII (PrintableString is accepted
 * with any printable ASCII: real CAs put '*', '@' and '&' in it); T61String is read as Latin-1 and BMPString /
 * UniversalString as UCS-2 / UCS-4, best effort.
 */
export function stringFromContent(tag: number, v: Uint8Array): string {
  switch (tag) {
    case DerTag.UTF8String:
      try {
        return fromUtf8(v);
      } catch {
        throw new DerError('invalid UTF-8 in UTF8String');
      }
    case DerTag.PrintableString:
    case DerTag.VisibleString:
    case DerTag.NumericString:
      if (!isPrintableAscii(v)) throw new DerError(`non-printable character in ${describeTag(tag)}`);
      return latin1.decode(v);
    case DerTag.IA5String:
      for (let i = 0; i < v.length; i++) if (v[i]! > 0x7f) throw new DerError('non-ASCII character in IA5String');
      return latin1.decode(v);
    case DerTag.T61String:
      return latin1.decode(v);
    case DerTag.BMPString: {
      if (v.length % 2 !== 0) throw new DerError('BMPString of odd length');
      let s = '';
      for (let i = 0; i < v.length; i += 2) s += String.fromCharCode((v[i]! << 8) | v[i + 1]!);
      return s;
    }
    case DerTag.UniversalString: {
      if (v.length % 4 !== 0) throw new DerError('UniversalString length is not a multiple of 4');
      let s = '';
      for (let i = 0; i < v.length; i += 4) {
        const cp = ((v[i]! << 24) | (v[i + 1]! << 16) | (v[i + 2]! << 8) | v[i + 3]!) >>> 0;
        if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) throw new DerError('invalid code point in UniversalString');
        s += String.fromCodePoint(cp);
      }
      return s;
    }
    default:
      throw new DerError(`${describeTag(tag)} is not a character string`);
  }
}

/** True if `tag` is one of the character string types {@link stringFromContent} reads. */
export function isStringTag(tag: number): boolean {
  return (
    tag === DerTag.UTF8String || tag === DerTag.PrintableString || tag === DerTag.IA5String ||
    tag === DerTag.T61String || tag === DerTag.BMPString || tag === DerTag.UniversalString ||
    tag === DerTag.VisibleString || tag === DerTag.NumericString
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Time (computed arithmetically: days-from-civil, proleptic Gregorian calendar)
// ---------------------------------------------------------------------------------------------------------------

const MS_PER_DAY = 86_400_000;

/** Days since 1970-01-01 of the civil date `y-m-d` (m 1..12). */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const mp = (m + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** The civil date `[y, m, d]` of `days` since 1970-01-01. */
export function civilFromDays(days: number): [number, number, number] {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

function digits(v: Uint8Array, at: number, n: number): number {
  let x = 0;
  for (let i = at; i < at + n; i++) {
    const c = v[i]! - 0x30;
    if (c < 0 || c > 9) throw new DerError('non-digit in time');
    x = x * 10 + c;
  }
  return x;
}

/**
 * Decodes UTCTime (`YYMMDDHHMMSSZ`, years 1950-2049) or GeneralizedTime (`YYYYMMDDHHMMSSZ`) content, the DER
 * forms RFC 5280 §4.1.2.5 requires (seconds present, Zulu, no fraction), to unix milliseconds.
 */
export function timeFromContent(tag: number, v: Uint8Array): number {
  let year: number;
  let at: number;
  if (tag === DerTag.UTCTime) {
    if (v.length !== 13) throw new DerError(`UTCTime of ${v.length} characters is not YYMMDDHHMMSSZ`);
    const yy = digits(v, 0, 2);
    year = yy >= 50 ? 1900 + yy : 2000 + yy;
    at = 2;
  } else if (tag === DerTag.GeneralizedTime) {
    if (v.length !== 15) throw new DerError(`GeneralizedTime of ${v.length} characters is not YYYYMMDDHHMMSSZ`);
    year = digits(v, 0, 4);
    at = 4;
  } else {
    throw new DerError(`${describeTag(tag)} is not a time`);
  }
  if (v[v.length - 1] !== 0x5a) throw new DerError('time does not end in Z');
  const month = digits(v, at, 2);
  const day = digits(v, at + 2, 2);
  const hour = digits(v, at + 4, 2);
  const minute = digits(v, at + 6, 2);
  const second = digits(v, at + 8, 2);
  if (month < 1 || month > 12) throw new DerError(`month ${month} out of range`);
  const dim = month === 2 && isLeap(year) ? 29 : DAYS_IN_MONTH[month - 1]!;
  if (day < 1 || day > dim) throw new DerError(`day ${day} out of range`);
  if (hour > 23 || minute > 59 || second > 59) throw new DerError('time of day out of range');
  return daysFromCivil(year, month, day) * MS_PER_DAY + ((hour * 60 + minute) * 60 + second) * 1000;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/**
 * Encodes unix milliseconds (truncated to whole seconds) as RFC 5280 §4.1.2.5 says: UTCTime for 1950 through
 * 2049, GeneralizedTime otherwise. Returns the tag and content.
 */
export function timeContent(ms: number): { readonly tag: number; readonly value: Uint8Array } {
  if (!Number.isFinite(ms)) throw new RangeError(`time ${ms} is not finite`);
  const secs = Math.floor(ms / 1000);
  const days = Math.floor(secs / 86_400);
  let rem = secs - days * 86_400;
  const [y, m, d] = civilFromDays(days);
  if (y < 0 || y > 9999) throw new RangeError(`year ${y} cannot be encoded`);
  const hh = Math.floor(rem / 3600);
  rem -= hh * 3600;
  const mm = Math.floor(rem / 60);
  const ss = rem - mm * 60;
  const tail = `${pad(m, 2)}${pad(d, 2)}${pad(hh, 2)}${pad(mm, 2)}${pad(ss, 2)}Z`;
  if (y >= 1950 && y < 2050) return { tag: DerTag.UTCTime, value: utf8(`${pad(y % 100, 2)}${tail}`) };
  return { tag: DerTag.GeneralizedTime, value: utf8(`${pad(y, 4)}${tail}`) };
}

// ---------------------------------------------------------------------------------------------------------------
// DerReader: schema-driven reading of a constructed value's contents
// ---------------------------------------------------------------------------------------------------------------

/**
 * A cursor over the contents of a constructed DER value (or a whole input). Every method reads one element of
 * the expected type or throws {@link DerError}; `optional*` methods return `undefined` when the next element has
 * another tag.
 *
 * @example
 * const top = DerReader.of(der);
 * const cert = top.sequence('Certificate');
 * top.end('Certificate');
 * const tbs = cert.sequence('TBSCertificate');
 */
export class DerReader {
  readonly #r: Reader;
  /** Nesting depth of this reader's contents (0 for a top-level input). */
  readonly depth: number;

  private constructor(r: Reader, depth: number) {
    if (depth > MAX_DER_DEPTH) throw new DerError(`DER nesting deeper than ${MAX_DER_DEPTH}`);
    this.#r = r;
    this.depth = depth;
  }

  /** A reader over a whole input. */
  static of(bytes: Uint8Array): DerReader {
    return new DerReader(new Reader(bytes), 0);
  }

  /** A reader over the contents of `el` (which must be constructed), one level deeper than `parent`. */
  static contents(el: DerElement, parent?: DerReader): DerReader {
    if (!(el.tag & CONSTRUCTED)) throw new DerError(`${describeTag(el.tag)} is not constructed`);
    return new DerReader(new Reader(el.value), (parent?.depth ?? 0) + 1);
  }

  /** True when every element was read. */
  isEmpty(): boolean {
    return this.#r.isEmpty();
  }

  /** The tag of the next element, or `undefined` at the end. */
  peekTag(): number | undefined {
    return this.#r.isEmpty() ? undefined : this.#r.peekU8();
  }

  /** Throws unless every element was read. */
  end(what: string): void {
    if (!this.#r.isEmpty()) throw new DerError(`${this.#r.remaining} unexpected trailing bytes in ${what}`);
  }

  /** Reads the next element, whatever its tag. */
  any(what: string): DerElement {
    if (this.#r.isEmpty()) throw new DerError(`missing ${what}`);
    try {
      return decodeDerElement(this.#r);
    } catch (e) {
      if (e instanceof DecodeError) throw new DerError(`${what}: ${e.message}`);
      throw e;
    }
  }

  /** Reads the next element, which must have tag `tag`. */
  expect(tag: number, what: string): DerElement {
    const el = this.any(what);
    if (el.tag !== tag) throw new DerError(`${what}: expected ${describeTag(tag)}, got ${describeTag(el.tag)}`);
    return el;
  }

  /** Reads the next element if it has tag `tag`. */
  optional(tag: number, what: string): DerElement | undefined {
    return this.peekTag() === tag ? this.expect(tag, what) : undefined;
  }

  /** Reads a SEQUENCE and returns a reader over its contents. */
  sequence(what: string): DerReader {
    return DerReader.contents(this.expect(DerTag.SEQUENCE, what), this);
  }

  /** Reads a SET and returns a reader over its contents. */
  set(what: string): DerReader {
    return DerReader.contents(this.expect(DerTag.SET, what), this);
  }

  /** Reads an explicitly tagged `[n]` if present and returns a reader over its contents. */
  optionalExplicit(n: number, what: string): DerReader | undefined {
    const el = this.optional(contextTag(n, true), what);
    return el && DerReader.contents(el, this);
  }

  /** Reads an INTEGER as a bigint. */
  integer(what: string): bigint {
    return integerFromContent(this.expect(DerTag.INTEGER, what).value, what);
  }

  /** Reads an INTEGER's content octets (checked minimal, two's complement). */
  integerBytes(what: string): Uint8Array {
    const v = this.expect(DerTag.INTEGER, what).value;
    checkIntegerContent(v, what);
    return v;
  }

  /** Reads a non-negative INTEGER and returns its unsigned big-endian magnitude (no sign byte). */
  unsignedIntegerBytes(what: string): Uint8Array {
    const v = this.integerBytes(what);
    if (v[0]! & 0x80) throw new DerError(`${what} is negative`);
    return v[0] === 0 && v.length > 1 ? v.subarray(1) : v;
  }

  /** Reads a non-negative INTEGER that must fit a safe JavaScript number. */
  smallInteger(what: string, max = Number.MAX_SAFE_INTEGER): number {
    const x = this.integer(what);
    if (x < 0n || x > BigInt(max)) throw new DerError(`${what} ${x} out of range 0..${max}`);
    return Number(x);
  }

  /** Reads a BOOLEAN. */
  boolean(what: string): boolean {
    const v = this.expect(DerTag.BOOLEAN, what).value;
    if (v.length !== 1 || (v[0] !== 0x00 && v[0] !== 0xff)) throw new DerError(`${what}: BOOLEAN is not 0x00 or 0xff`);
    return v[0] === 0xff;
  }

  /** Reads a NULL. */
  null(what: string): void {
    if (this.expect(DerTag.NULL, what).value.length !== 0) throw new DerError(`${what}: NULL with content`);
  }

  /** Reads an OBJECT IDENTIFIER in dotted form. */
  oid(what: string): string {
    return oidFromContent(this.expect(DerTag.OBJECT_IDENTIFIER, what).value);
  }

  /** Reads a BIT STRING. */
  bitString(what: string): BitString {
    return bitStringFromContent(this.expect(DerTag.BIT_STRING, what).value);
  }

  /** Reads a BIT STRING that must hold whole bytes (keys, signatures). */
  octetAlignedBitString(what: string): Uint8Array {
    const b = this.bitString(what);
    if (b.unusedBits !== 0) throw new DerError(`${what}: BIT STRING is not octet-aligned`);
    return b.bytes;
  }

  /** Reads an OCTET STRING (a view). */
  octetString(what: string): Uint8Array {
    return this.expect(DerTag.OCTET_STRING, what).value;
  }

  /** Reads any character string type. */
  string(what: string): string {
    const el = this.any(what);
    return stringFromContent(el.tag, el.value);
  }

  /** Reads a UTCTime or GeneralizedTime as unix milliseconds. */
  time(what: string): number {
    const el = this.any(what);
    return timeFromContent(el.tag, el.value);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// DerNode: a tree for writing (and a generic decoder for it)
// ---------------------------------------------------------------------------------------------------------------

/** A DER value to encode: a primitive with its content, a constructed value with children, or ready-made DER. */
export type DerNode =
  | { readonly kind: 'primitive'; readonly tag: number; readonly value: Uint8Array }
  | { readonly kind: 'constructed'; readonly tag: number; readonly children: readonly DerNode[] }
  | { readonly kind: 'raw'; readonly der: Uint8Array };

function contentSize(node: DerNode): number {
  switch (node.kind) {
    case 'primitive':
      return node.value.length;
    case 'constructed': {
      let n = 0;
      for (const c of node.children) n += sizeOfDer(c);
      return n;
    }
    case 'raw':
      return node.der.length;
  }
}

/** Encoded size of `node`. */
export function sizeOfDer(node: DerNode): number {
  if (node.kind === 'raw') return node.der.length;
  const n = contentSize(node);
  return 1 + sizeOfDerLength(n) + n;
}

/** Writes `node` as DER. */
export function encodeDer(w: Writer, node: DerNode): void {
  switch (node.kind) {
    case 'primitive':
      w.writeU8(node.tag);
      encodeDerLength(w, node.value.length);
      w.writeBytes(node.value);
      return;
    case 'constructed':
      w.writeU8(node.tag);
      encodeDerLength(w, contentSize(node));
      for (const c of node.children) encodeDer(w, c);
      return;
    case 'raw':
      w.writeBytes(node.der);
      return;
  }
}

/** Encodes `node` into a new exactly-sized array. */
export function derBytes(node: DerNode): Uint8Array {
  const size = sizeOfDer(node);
  const out = new Uint8Array(size);
  encodeDer(Writer.into(out), node);
  return out;
}

/**
 * Reads one DER value of any shape from `r` into a tree (constructed values recursively, to {@link MAX_DER_DEPTH}).
 * Primitive contents are views. Throws {@link DerError}.
 */
export function decodeDer(r: Reader, depth = 0): DerNode {
  if (depth > MAX_DER_DEPTH) throw new DerError(`DER nesting deeper than ${MAX_DER_DEPTH}`);
  let el: DerElement;
  try {
    el = decodeDerElement(r);
  } catch (e) {
    if (e instanceof DecodeError) throw new DerError(e.message);
    throw e;
  }
  if (!(el.tag & CONSTRUCTED)) return { kind: 'primitive', tag: el.tag, value: el.value };
  const inner = new Reader(el.value);
  const children: DerNode[] = [];
  while (!inner.isEmpty()) children.push(decodeDer(inner, depth + 1));
  return { kind: 'constructed', tag: el.tag, children };
}

/** An INTEGER. */
export function derInteger(x: bigint | number): DerNode {
  return { kind: 'primitive', tag: DerTag.INTEGER, value: integerContent(BigInt(x)) };
}

/** A non-negative INTEGER from its unsigned big-endian magnitude (serial numbers, RSA components). */
export function derUnsignedInteger(magnitude: Uint8Array): DerNode {
  return { kind: 'primitive', tag: DerTag.INTEGER, value: unsignedIntegerContent(magnitude) };
}

/** A BOOLEAN (0xff / 0x00). */
export function derBoolean(b: boolean): DerNode {
  return { kind: 'primitive', tag: DerTag.BOOLEAN, value: Uint8Array.of(b ? 0xff : 0x00) };
}

/** NULL. */
export function derNull(): DerNode {
  return { kind: 'primitive', tag: DerTag.NULL, value: new Uint8Array(0) };
}

/** An OBJECT IDENTIFIER from dotted form. */
export function derOid(dotted: string): DerNode {
  return { kind: 'primitive', tag: DerTag.OBJECT_IDENTIFIER, value: oidContent(dotted) };
}

/** A BIT STRING; `unusedBits` of the last byte must be zero. */
export function derBitString(bytes: Uint8Array, unusedBits = 0): DerNode {
  if (!Number.isInteger(unusedBits) || unusedBits < 0 || unusedBits > 7 || (bytes.length === 0 && unusedBits)) {
    throw new RangeError(`bad unusedBits ${unusedBits}`);
  }
  const value = new Uint8Array(bytes.length + 1);
  value[0] = unusedBits;
  value.set(bytes, 1);
  bitStringFromContent(value); // rejects non-zero padding bits
  return { kind: 'primitive', tag: DerTag.BIT_STRING, value };
}

/**
 * A named-bit-list BIT STRING (KeyUsage): bit 0 is the most significant bit of the first byte. DER drops
 * trailing zero bits (X.690 §11.2.2).
 */
export function derNamedBits(bits: readonly number[]): DerNode {
  const max = bits.length ? Math.max(...bits) : -1;
  const bytes = new Uint8Array(max < 0 ? 0 : (max >> 3) + 1);
  for (const b of bits) bytes[b >> 3]! |= 0x80 >> (b & 7);
  return derBitString(bytes, max < 0 ? 0 : 7 - (max & 7));
}

/** An OCTET STRING. */
export function derOctetString(bytes: Uint8Array): DerNode {
  return { kind: 'primitive', tag: DerTag.OCTET_STRING, value: bytes };
}

/** A UTF8String. */
export function derUtf8String(s: string): DerNode {
  return { kind: 'primitive', tag: DerTag.UTF8String, value: utf8(s) };
}

/** A PrintableString (throws `RangeError` for characters outside its set). */
export function derPrintableString(s: string): DerNode {
  if (!/^[A-Za-z0-9 '()+,\-./:=?]*$/.test(s)) throw new RangeError(`'${s}' is not a PrintableString`);
  return { kind: 'primitive', tag: DerTag.PrintableString, value: utf8(s) };
}

/** An IA5String (throws `RangeError` for non-ASCII). */
export function derIa5String(s: string): DerNode {
  // eslint-disable-next-line no-control-regex
  if (!/^[\x00-\x7f]*$/.test(s)) throw new RangeError(`'${s}' is not an IA5String`);
  return { kind: 'primitive', tag: DerTag.IA5String, value: utf8(s) };
}

/** A Time (UTCTime or GeneralizedTime per RFC 5280) from unix milliseconds. */
export function derTime(ms: number): DerNode {
  const { tag, value } = timeContent(ms);
  return { kind: 'primitive', tag, value };
}

/** A SEQUENCE. */
export function derSequence(children: readonly DerNode[]): DerNode {
  return { kind: 'constructed', tag: DerTag.SEQUENCE, children };
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** A SET OF, its elements sorted by their encodings as DER requires (X.690 §11.6). */
export function derSet(children: readonly DerNode[]): DerNode {
  const sorted = children
    .map((c) => ({ c, bytes: derBytes(c) }))
    .sort((x, y) => compareBytes(x.bytes, y.bytes))
    .map((x) => x.c);
  return { kind: 'constructed', tag: DerTag.SET, children: sorted };
}

/** EXPLICIT `[n]`: a constructed context-specific wrapper around `inner`. */
export function derExplicit(n: number, inner: DerNode): DerNode {
  return { kind: 'constructed', tag: contextTag(n, true), children: [inner] };
}

/** IMPLICIT `[n]`: `inner` with its tag replaced (a constructed inner stays constructed). */
export function derImplicit(n: number, inner: DerNode): DerNode {
  switch (inner.kind) {
    case 'primitive':
      return { kind: 'primitive', tag: contextTag(n, false), value: inner.value };
    case 'constructed':
      return { kind: 'constructed', tag: contextTag(n, true), children: inner.children };
    case 'raw':
      throw new TypeError('derImplicit cannot retag raw DER');
  }
}

/** Pre-encoded DER (a Name copied from a certificate, an algorithm identifier). */
export function derRaw(der: Uint8Array): DerNode {
  return { kind: 'raw', der };
}
