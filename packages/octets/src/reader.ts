import { DecodeError } from './errors.js';

const TWO_POW_32 = 0x1_0000_0000;
/** Above this many high bits (value >= 2^53) a 62-bit varint saturates. 2^53 / 2^32 = 2^21. */
const SAFE_HIGH_LIMIT = 0x20_0000;

/**
 * A bounds-checked cursor over a `Uint8Array`. Every read either returns a value or throws {@link DecodeError};
 * byte strings come back as `subarray` views, never copies, so keep (copy) only what outlives the input.
 *
 * @example
 * const r = new Reader(datagram);
 * const type = r.readVarint();
 * const payload = r.readBytes(r.readVarint());
 */
export class Reader {
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  #pos: number;
  readonly #end: number;

  /**
   * @param bytes the input
   * @param start first byte to read (default 0)
   * @param end one past the last byte this reader may read (default `bytes.length`)
   */
  constructor(bytes: Uint8Array, start = 0, end = bytes.length) {
    if (start < 0 || end > bytes.length || start > end) {
      throw new RangeError(`Reader bounds [${start}, ${end}) do not fit a buffer of ${bytes.length} bytes`);
    }
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#pos = start;
    this.#end = end;
  }

  /** Offset of the next byte, relative to the start of the underlying `bytes`. */
  get offset(): number {
    return this.#pos;
  }

  /** Bytes left before `end`. */
  get remaining(): number {
    return this.#end - this.#pos;
  }

  /** True when nothing is left to read. */
  isEmpty(): boolean {
    return this.#pos >= this.#end;
  }

  /** The underlying buffer (for callers that need absolute offsets, e.g. header protection). */
  get buffer(): Uint8Array {
    return this.#bytes;
  }

  #need(n: number, what: string): number {
    const at = this.#pos;
    if (n > this.#end - at) {
      throw new DecodeError(`truncated ${what}: need ${n} bytes at offset ${at}, have ${this.#end - at}`);
    }
    this.#pos = at + n;
    return at;
  }

  /** Reads one byte. */
  readU8(): number {
    return this.#bytes[this.#need(1, 'u8')]!;
  }

  /** Reads the next byte without consuming it. */
  peekU8(): number {
    if (this.#pos >= this.#end) throw new DecodeError(`truncated u8 at offset ${this.#pos}`);
    return this.#bytes[this.#pos]!;
  }

  /** Reads a big-endian 16-bit unsigned integer. */
  readU16(): number {
    return this.#view.getUint16(this.#need(2, 'u16'));
  }

  /** Reads a big-endian 24-bit unsigned integer (TLS handshake lengths). */
  readU24(): number {
    const at = this.#need(3, 'u24');
    return (this.#bytes[at]! << 16) | this.#view.getUint16(at + 1);
  }

  /** Reads a big-endian 32-bit unsigned integer. */
  readU32(): number {
    return this.#view.getUint32(this.#need(4, 'u32'));
  }

  /** Reads a big-endian 64-bit unsigned integer as a `bigint`. */
  readU64(): bigint {
    return this.#view.getBigUint64(this.#need(8, 'u64'));
  }

  /** Reads an `n`-byte big-endian unsigned integer, 1 <= n <= 6 (exact in a `number`). */
  readUint(n: number): number {
    if (n < 1 || n > 6) throw new RangeError(`readUint supports 1 to 6 bytes, not ${n}`);
    const at = this.#need(n, `u${n * 8}`);
    let v = 0;
    for (let i = 0; i < n; i++) v = v * 256 + this.#bytes[at + i]!;
    return v;
  }

  /**
   * Reads a QUIC varint as a `number`: exact up to 2^53 - 1, saturated to `Number.MAX_SAFE_INTEGER` above
   * (see the policy in `varint.ts`).
   */
  readVarint(): number {
    if (this.#pos >= this.#end) throw new DecodeError(`truncated varint at offset ${this.#pos}`);
    const first = this.#bytes[this.#pos]!;
    switch (first >> 6) {
      case 0:
        this.#pos++;
        return first;
      case 1:
        return this.#view.getUint16(this.#need(2, 'varint')) & 0x3fff;
      case 2:
        return this.#view.getUint32(this.#need(4, 'varint')) & 0x3fff_ffff;
      default: {
        const at = this.#need(8, 'varint');
        const high = this.#view.getUint32(at) & 0x3fff_ffff;
        if (high >= SAFE_HIGH_LIMIT) return Number.MAX_SAFE_INTEGER;
        return high * TWO_POW_32 + this.#view.getUint32(at + 4);
      }
    }
  }

  /** Reads a QUIC varint exactly, as a `bigint`. */
  readVarintBig(): bigint {
    if (this.#pos >= this.#end) throw new DecodeError(`truncated varint at offset ${this.#pos}`);
    const first = this.#bytes[this.#pos]!;
    if (first >> 6 !== 3) return BigInt(this.readVarint());
    const at = this.#need(8, 'varint');
    return this.#view.getBigUint64(at) & 0x3fff_ffff_ffff_ffffn;
  }

  /** Returns a view of the next `n` bytes and advances past them. */
  readBytes(n: number): Uint8Array {
    if (!Number.isInteger(n) || n < 0) throw new DecodeError(`invalid length ${n}`);
    const at = this.#need(n, 'bytes');
    return this.#bytes.subarray(at, at + n);
  }

  /** Reads a byte string prefixed by a 1-byte length (TLS `opaque x<0..2^8-1>`). */
  readU8Bytes(): Uint8Array {
    return this.readBytes(this.readU8());
  }

  /** Reads a byte string prefixed by a 2-byte length (TLS `opaque x<0..2^16-1>`). */
  readU16Bytes(): Uint8Array {
    return this.readBytes(this.readU16());
  }

  /** Reads a byte string prefixed by a 3-byte length (TLS `opaque x<0..2^24-1>`). */
  readU24Bytes(): Uint8Array {
    return this.readBytes(this.readU24());
  }

  /** Reads a byte string prefixed by a varint length (QUIC). */
  readVarintBytes(): Uint8Array {
    return this.readBytes(this.readVarint());
  }

  /** A reader over the next `n` bytes, which this reader skips. */
  sub(n: number): Reader {
    if (!Number.isInteger(n) || n < 0) throw new DecodeError(`invalid length ${n}`);
    const at = this.#need(n, 'bytes');
    return new Reader(this.#bytes, at, at + n);
  }

  /** Skips `n` bytes. */
  skip(n: number): void {
    this.#need(n, 'bytes');
  }

  /** A view of everything left, consuming it. */
  rest(): Uint8Array {
    const at = this.#pos;
    this.#pos = this.#end;
    return this.#bytes.subarray(at, this.#end);
  }

  /** Throws {@link DecodeError} unless every byte was consumed (for fixed-size structures). */
  expectEnd(what = 'structure'): void {
    if (this.#pos !== this.#end) {
      throw new DecodeError(`${this.#end - this.#pos} trailing bytes after ${what}`);
    }
  }
}
