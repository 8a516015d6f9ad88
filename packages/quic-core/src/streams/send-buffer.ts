import { RangeSet } from './range-set.js';

/** A piece of stream data chosen for the next STREAM (or CRYPTO) frame. */
export interface StreamChunk {
  readonly offset: number;
  readonly data: Uint8Array;
  /** True when this chunk carries the FIN (possibly with no data). */
  readonly fin: boolean;
}

/**
 * The send side of one byte stream: data the application wrote, what is in flight, what was lost and must be
 * sent again, and what the peer acknowledged (which frees memory). Retransmissions go before new data, lowest
 * offset first (RFC 9000 §13.3: resend the information, not the packet).
 *
 * Written chunks are kept by reference: the writer hands their ownership to the stream.
 */
export class SendBuffer {
  /** Written, not yet fully acknowledged chunks; `#base` is the offset of `#chunks[0]`. */
  readonly #chunks: Uint8Array[] = [];
  #base = 0;
  /** One past the last byte written. */
  #written = 0;
  /** Next byte never sent before. */
  #sendOffset = 0;
  readonly #acked = new RangeSet();
  readonly #lost = new RangeSet();
  #fin = false;
  #finSent = false;
  #finAcked = false;
  #finLost = false;

  /** Bytes written by the application so far (the stream's size if it is finished). */
  get writtenBytes(): number {
    return this.#written;
  }

  /** The offset of the next byte never sent. */
  get sendOffset(): number {
    return this.#sendOffset;
  }

  /** Bytes written but not yet acknowledged (what the buffer holds). */
  get bufferedBytes(): number {
    return this.#written - this.#base;
  }

  /** True once `finish()` was called. */
  get isFinished(): boolean {
    return this.#fin;
  }

  /** Appends data. Throws `TypeError` after `finish()`. */
  write(data: Uint8Array): void {
    if (this.#fin) throw new TypeError('write after finish');
    if (data.length === 0) return;
    this.#chunks.push(data);
    this.#written += data.length;
  }

  /** Marks the end of the stream at the current size. */
  finish(): void {
    this.#fin = true;
  }

  /** True if there is something to send: a lost range, new data, or an unsent or lost FIN. */
  hasPending(flowLimit = Number.POSITIVE_INFINITY): boolean {
    if (!this.#lost.isEmpty()) return true;
    if (this.#sendOffset < this.#written && this.#sendOffset < flowLimit) return true;
    return this.#fin && ((!this.#finSent && this.#sendOffset === this.#written) || this.#finLost);
  }

  /** True if only new data is pending (it is what flow control can block). */
  hasRetransmission(): boolean {
    return !this.#lost.isEmpty() || this.#finLost;
  }

  /**
   * Chooses the next chunk: at most `maxBytes` of data, lost ranges first; new data only below `flowLimit` (the
   * absolute offset the peer's MAX_STREAM_DATA / MAX_DATA credit allows). Returns `undefined` if nothing fits.
   * The caller must call {@link onSent} with the chunk it actually puts in a packet.
   */
  nextChunk(maxBytes: number, flowLimit = Number.POSITIVE_INFINITY): StreamChunk | undefined {
    const lost = this.#lost.first();
    if (lost) {
      const len = Math.min(lost.end - lost.start, maxBytes);
      if (len <= 0) return undefined;
      const end = lost.start + len;
      const fin = this.#fin && end === this.#written && (this.#finLost || !this.#finSent);
      return { offset: lost.start, data: this.#slice(lost.start, end), fin };
    }
    const limit = Math.min(this.#written, flowLimit);
    if (this.#sendOffset < limit) {
      const len = Math.min(limit - this.#sendOffset, maxBytes);
      if (len <= 0) return undefined;
      const end = this.#sendOffset + len;
      return { offset: this.#sendOffset, data: this.#slice(this.#sendOffset, end), fin: this.#fin && end === this.#written };
    }
    if (this.#fin && this.#sendOffset === this.#written && (!this.#finSent || this.#finLost)) {
      return { offset: this.#written, data: new Uint8Array(0), fin: true };
    }
    return undefined;
  }

  /** Records that `chunk` (or a prefix of it the caller trimmed) was put in a packet. */
  onSent(offset: number, length: number, fin: boolean): void {
    const end = offset + length;
    this.#lost.remove(offset, end);
    if (end > this.#sendOffset) this.#sendOffset = end;
    if (fin) {
      this.#finSent = true;
      this.#finLost = false;
    }
  }

  /** The peer acknowledged `[offset, offset + length)` (and the FIN if `fin`). Frees fully acked prefixes. */
  onAck(offset: number, length: number, fin: boolean): void {
    const end = offset + length;
    this.#acked.add(offset, end);
    this.#lost.remove(offset, end);
    if (fin) {
      this.#finAcked = true;
      this.#finLost = false;
    }
    const first = this.#acked.first();
    if (first && first.start <= this.#base && first.end > this.#base) this.#freeTo(first.end);
  }

  /** A packet carrying `[offset, offset + length)` was lost: queue the parts not acknowledged since. */
  onLost(offset: number, length: number, fin: boolean): void {
    const end = offset + length;
    const start = Math.max(offset, this.#base);
    if (start < end) this.#acked.forEachGap(start, end, (s, e) => this.#lost.add(s, e));
    if (fin && !this.#finAcked) this.#finLost = true;
  }

  /** True once every byte and the FIN were acknowledged. */
  isFullyAcked(): boolean {
    return this.#fin && this.#finAcked && this.#base === this.#written;
  }

  /** Drops all data (after RESET_STREAM). */
  discard(): void {
    this.#chunks.length = 0;
    this.#base = this.#written;
    this.#lost.remove(0, Number.MAX_SAFE_INTEGER);
    this.#finLost = false;
  }

  #freeTo(offset: number): void {
    while (this.#chunks.length) {
      const c = this.#chunks[0]!;
      if (this.#base + c.length <= offset) {
        this.#chunks.shift();
        this.#base += c.length;
      } else {
        if (offset > this.#base) {
          this.#chunks[0] = c.subarray(offset - this.#base);
          this.#base = offset;
        }
        break;
      }
    }
    this.#acked.removeBelow(this.#base);
  }

  /** The bytes `[start, end)`, a view when they lie in one chunk, else a copy. */
  #slice(start: number, end: number): Uint8Array {
    let pos = this.#base;
    let i = 0;
    while (i < this.#chunks.length && pos + this.#chunks[i]!.length <= start) pos += this.#chunks[i++]!.length;
    const first = this.#chunks[i]!;
    if (end - pos <= first.length) return first.subarray(start - pos, end - pos);
    const out = new Uint8Array(end - start);
    let at = 0;
    let from = start - pos;
    while (at < out.length) {
      const c = this.#chunks[i++]!;
      const take = Math.min(c.length - from, out.length - at);
      out.set(c.subarray(from, from + take), at);
      at += take;
      from = 0;
    }
    return out;
  }
}
