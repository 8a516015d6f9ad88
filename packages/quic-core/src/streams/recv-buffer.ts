import { TransportError, TransportErrorCode } from '../errors.js';

interface Chunk {
  offset: number;
  data: Uint8Array;
}

/**
 * Reassembles one stream's (or one encryption level's CRYPTO) byte stream from frames that arrive out of order,
 * duplicated or overlapping, and hands contiguous bytes to the reader.
 *
 * Chunks are kept as views into the decrypted packets (no copy on the way in). Memory is bounded twice: by flow
 * control (the caller rejects data beyond the advertised limit before inserting) and by `maxChunks`, so that a
 * peer cannot pin thousands of packet buffers with 1-byte frames scattered across the window.
 */
export class RecvBuffer {
  /** Sorted by offset, disjoint, every chunk non-empty and at or above `readOffset`. */
  readonly #chunks: Chunk[] = [];
  #readOffset = 0;
  #highest = 0;
  #finalSize: number | undefined;
  #buffered = 0;
  readonly #maxChunks: number;

  /** @param maxChunks most out-of-order fragments held at once; exceeding it is a PROTOCOL_VIOLATION. */
  constructor(maxChunks = 4096) {
    this.#maxChunks = maxChunks;
  }

  /** Bytes handed to the reader so far. */
  get readOffset(): number {
    return this.#readOffset;
  }

  /** One past the highest byte received (what flow control counts). */
  get highestOffset(): number {
    return this.#highest;
  }

  /** The final size, once a FIN or RESET_STREAM fixed it. */
  get finalSize(): number | undefined {
    return this.#finalSize;
  }

  /** Bytes held, waiting for the reader. */
  get bufferedBytes(): number {
    return this.#buffered;
  }

  /** True when the next contiguous byte is available. */
  isReadable(): boolean {
    const c = this.#chunks[0];
    return c !== undefined && c.offset === this.#readOffset;
  }

  /** True once every byte up to the final size has been read. */
  isFinished(): boolean {
    return this.#finalSize !== undefined && this.#readOffset === this.#finalSize;
  }

  /**
   * Fixes the final size (a FIN bit or RESET_STREAM). FINAL_SIZE_ERROR if it contradicts an earlier final size or
   * data already received beyond it (RFC 9000 §4.5).
   */
  setFinalSize(size: number, frameType?: number): void {
    const opts = frameType === undefined ? {} : { frameType };
    if (this.#finalSize !== undefined && this.#finalSize !== size) {
      throw new TransportError(TransportErrorCode.FINAL_SIZE_ERROR, `final size changed from ${this.#finalSize} to ${size}`, opts);
    }
    if (size < this.#highest) {
      throw new TransportError(TransportErrorCode.FINAL_SIZE_ERROR, `final size ${size} below received data ${this.#highest}`, opts);
    }
    this.#finalSize = size;
    this.#highest = size;
  }

  /**
   * Inserts `data` at `offset`. Bytes already read or already held are ignored (retransmissions may overlap
   * arbitrarily). `fin` marks `offset + data.length` as the final size.
   */
  insert(offset: number, data: Uint8Array, fin: boolean, frameType?: number): void {
    const end = offset + data.length;
    if (fin) this.setFinalSize(end, frameType);
    else if (this.#finalSize !== undefined && end > this.#finalSize) {
      const opts = frameType === undefined ? {} : { frameType };
      throw new TransportError(TransportErrorCode.FINAL_SIZE_ERROR, `data up to ${end} beyond final size ${this.#finalSize}`, opts);
    }
    if (end > this.#highest) this.#highest = end;
    if (end <= this.#readOffset || data.length === 0) return;
    if (offset < this.#readOffset) {
      data = data.subarray(this.#readOffset - offset);
      offset = this.#readOffset;
    }
    this.#insertGaps(offset, data);
  }

  #insertGaps(offset: number, data: Uint8Array): void {
    const chunks = this.#chunks;
    // First chunk that ends after `offset`.
    let lo = 0;
    let hi = chunks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const c = chunks[mid]!;
      if (c.offset + c.data.length <= offset) lo = mid + 1;
      else hi = mid;
    }
    let i = lo;
    let pos = offset;
    const end = offset + data.length;
    while (pos < end) {
      const next = chunks[i];
      if (next === undefined || next.offset >= end) {
        this.#add(i, pos, data.subarray(pos - offset));
        return;
      }
      if (next.offset > pos) {
        this.#add(i, pos, data.subarray(pos - offset, next.offset - offset));
        i++;
      }
      pos = Math.max(pos, next.offset + next.data.length);
      i++;
    }
  }

  #add(index: number, offset: number, data: Uint8Array): void {
    if (this.#chunks.length >= this.#maxChunks) {
      throw new TransportError(TransportErrorCode.PROTOCOL_VIOLATION, `more than ${this.#maxChunks} out-of-order fragments in one stream`);
    }
    this.#chunks.splice(index, 0, { offset, data });
    this.#buffered += data.length;
  }

  /**
   * Reads up to `max` contiguous bytes. Returns a view of one received chunk (call again for more), or
   * `undefined` when nothing contiguous is available.
   */
  read(max = Number.POSITIVE_INFINITY): Uint8Array | undefined {
    const c = this.#chunks[0];
    if (c === undefined || c.offset !== this.#readOffset || max <= 0) return undefined;
    let out: Uint8Array;
    if (c.data.length <= max) {
      this.#chunks.shift();
      out = c.data;
    } else {
      out = c.data.subarray(0, max);
      c.data = c.data.subarray(max);
      c.offset += max;
    }
    this.#readOffset += out.length;
    this.#buffered -= out.length;
    return out;
  }

  /** Drops everything held (RESET_STREAM or STOP_SENDING); returns how many bytes were discarded. */
  discard(): number {
    const n = this.#buffered;
    this.#chunks.length = 0;
    this.#buffered = 0;
    return n;
  }
}
