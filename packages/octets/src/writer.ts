import { DecodeError } from './errors.js';
import { MAX_VARINT, varintSize } from './varint.js';

/**
 * An append-only byte writer. `new Writer()` grows as needed; {@link Writer.into} writes into a caller's buffer
 * and throws {@link DecodeError} ("does not fit") when it is full, which packet builders use to stop at the
 * datagram size.
 *
 * @example
 * const w = new Writer();
 * w.writeVarint(0x06); // CRYPTO
 * w.writeVarint(offset);
 * w.writeVarintBytes(data);
 * const frame = w.finish();
 */
export class Writer {
  #bytes: Uint8Array;
  #view: DataView;
  #pos = 0;
  /** One past the last byte this writer may write; Infinity for a growable writer. */
  #limit = Number.POSITIVE_INFINITY;

  /** A growable writer with room for `initialCapacity` bytes before its first reallocation. */
  constructor(initialCapacity = 64) {
    this.#bytes = new Uint8Array(Math.max(16, initialCapacity));
    this.#view = new DataView(this.#bytes.buffer);
  }

  /**
   * A fixed-size writer over `buffer[start, end)`. Writing past `end` throws {@link DecodeError}; a write that
   * does not fit writes nothing.
   */
  static into(buffer: Uint8Array, start = 0, end = buffer.length): Writer {
    if (start < 0 || end > buffer.length || start > end) throw new RangeError('Writer.into: bad bounds');
    const w = new Writer(0);
    w.#bytes = buffer;
    w.#view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    w.#pos = start;
    w.#limit = end;
    return w;
  }

  /** Bytes written so far (for a fixed writer: the offset in its buffer). */
  get length(): number {
    return this.#pos;
  }

  /** Bytes that can still be written (Infinity for a growable writer). */
  get remaining(): number {
    return this.#limit - this.#pos;
  }

  #ensure(n: number): number {
    const at = this.#pos;
    const need = at + n;
    if (need > this.#limit) {
      throw new DecodeError(`does not fit: need ${n} bytes at offset ${at}, limit ${this.#limit}`);
    }
    if (need > this.#bytes.length) {
      let cap = this.#bytes.length * 2;
      while (cap < need) cap *= 2;
      const next = new Uint8Array(cap);
      next.set(this.#bytes.subarray(0, at));
      this.#bytes = next;
      this.#view = new DataView(next.buffer);
    }
    this.#pos = need;
    return at;
  }

  /** Writes one byte. */
  writeU8(v: number): this {
    const at = this.#ensure(1);
    this.#bytes[at] = v;
    return this;
  }

  /** Writes a big-endian 16-bit unsigned integer. */
  writeU16(v: number): this {
    const at = this.#ensure(2);
    this.#view.setUint16(at, v);
    return this;
  }

  /** Writes a big-endian 24-bit unsigned integer. */
  writeU24(v: number): this {
    const at = this.#ensure(3);
    this.#bytes[at] = (v >>> 16) & 0xff;
    this.#view.setUint16(at + 1, v & 0xffff);
    return this;
  }

  /** Writes a big-endian 32-bit unsigned integer. */
  writeU32(v: number): this {
    const at = this.#ensure(4);
    this.#view.setUint32(at, v);
    return this;
  }

  /** Writes a big-endian 64-bit unsigned integer. */
  writeU64(v: bigint): this {
    const at = this.#ensure(8);
    this.#view.setBigUint64(at, v);
    return this;
  }

  /** Writes `v` as an `n`-byte big-endian unsigned integer, 1 <= n <= 6. */
  writeUint(v: number, n: number): this {
    if (n < 1 || n > 6) throw new RangeError(`writeUint supports 1 to 6 bytes, not ${n}`);
    const at = this.#ensure(n);
    for (let i = n - 1; i >= 0; i--) {
      this.#bytes[at + i] = v % 256;
      v = Math.floor(v / 256);
    }
    return this;
  }

  /** Writes a QUIC varint in its shortest form. */
  writeVarint(v: number | bigint): this {
    return this.writeVarintWithSize(v, varintSize(v));
  }

  /**
   * Writes a QUIC varint in exactly `size` bytes (e.g. the 2-byte Length field of a long header, filled in later
   * with {@link patchVarint}). Throws `RangeError` if `v` does not fit in `size` bytes.
   */
  writeVarintWithSize(v: number | bigint, size: 1 | 2 | 4 | 8): this {
    const at = this.#ensure(size);
    this.#putVarint(at, v, size);
    return this;
  }

  #putVarint(at: number, v: number | bigint, size: 1 | 2 | 4 | 8): void {
    if (varintSize(v) > size) throw new RangeError(`varint ${v} does not fit in ${size} bytes`);
    const n = v;
    switch (size) {
      case 1:
        this.#bytes[at] = Number(n);
        return;
      case 2:
        this.#view.setUint16(at, Number(n) | 0x4000);
        return;
      case 4:
        this.#view.setUint32(at, (Number(n) | 0) + 0x8000_0000);
        return;
      case 8: {
        const big = typeof n === 'bigint' ? n : BigInt(n);
        if (big > MAX_VARINT) throw new RangeError(`varint out of range: ${v}`);
        this.#view.setBigUint64(at, big | 0xc000_0000_0000_0000n);
        return;
      }
    }
  }

  /** Copies `b` in. */
  writeBytes(b: Uint8Array): this {
    const at = this.#ensure(b.length);
    this.#bytes.set(b, at);
    return this;
  }

  /** Writes `n` copies of `byte` (padding). */
  fill(n: number, byte = 0): this {
    const at = this.#ensure(n);
    this.#bytes.fill(byte, at, at + n);
    return this;
  }

  /** Writes `b` behind a 1-byte length. */
  writeU8Bytes(b: Uint8Array): this {
    if (b.length > 0xff) throw new RangeError(`${b.length} bytes exceed a 1-byte length`);
    return this.writeU8(b.length).writeBytes(b);
  }

  /** Writes `b` behind a 2-byte length. */
  writeU16Bytes(b: Uint8Array): this {
    if (b.length > 0xffff) throw new RangeError(`${b.length} bytes exceed a 2-byte length`);
    return this.writeU16(b.length).writeBytes(b);
  }

  /** Writes `b` behind a 3-byte length. */
  writeU24Bytes(b: Uint8Array): this {
    if (b.length > 0xff_ffff) throw new RangeError(`${b.length} bytes exceed a 3-byte length`);
    return this.writeU24(b.length).writeBytes(b);
  }

  /** Writes `b` behind a varint length. */
  writeVarintBytes(b: Uint8Array): this {
    return this.writeVarint(b.length).writeBytes(b);
  }

  /**
   * Writes whatever `body` writes behind a fixed-size big-endian length of `prefix` bytes (TLS vectors and
   * extensions). Throws `RangeError` if the body is too long for the prefix.
   */
  withLength(prefix: 1 | 2 | 3, body: (w: this) => void): this {
    const at = this.#ensure(prefix);
    body(this);
    const len = this.#pos - at - prefix;
    if (len >= 2 ** (8 * prefix)) throw new RangeError(`${len} bytes exceed a ${prefix}-byte length`);
    if (prefix === 1) this.#bytes[at] = len;
    else if (prefix === 2) this.#view.setUint16(at, len);
    else {
      this.#bytes[at] = len >>> 16;
      this.#view.setUint16(at + 1, len & 0xffff);
    }
    return this;
  }

  /** Reserves `n` bytes to patch later; returns their offset. */
  reserve(n: number): number {
    const at = this.#ensure(n);
    this.#bytes.fill(0, at, at + n);
    return at;
  }

  /** Overwrites a varint of exactly `size` bytes at `offset` (which must already be written). */
  patchVarint(offset: number, size: 1 | 2 | 4 | 8, v: number | bigint): void {
    if (offset < 0 || offset + size > this.#pos) throw new RangeError('patchVarint outside the written bytes');
    this.#putVarint(offset, v, size);
  }

  /** Overwrites one byte at `offset` (which must already be written). */
  patchU8(offset: number, v: number): void {
    if (offset < 0 || offset >= this.#pos) throw new RangeError('patchU8 outside the written bytes');
    this.#bytes[offset] = v;
  }

  /**
   * The bytes written. For a growable writer: a view from 0; for a fixed writer: the view of its buffer
   * from 0 to the current offset. The view aliases the writer's storage until the writer grows again.
   */
  finish(): Uint8Array {
    return this.#bytes.subarray(0, this.#pos);
  }
}
