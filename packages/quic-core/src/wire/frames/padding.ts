/**
 * PADDING frames (RFC 9000 §19.1): a run of 0x00 bytes. qk decodes a whole run as one frame with its length, so a
 * 1,000-byte pad costs one object, not a thousand.
 */
import type { Reader, Writer } from '@qk/octets';
import { FrameType } from './frame-type.js';

/** A run of `length` PADDING frames (each one byte, 0x00). */
export interface PaddingFrame {
  readonly kind: 'padding';
  /** Number of PADDING bytes in the run, at least 1. */
  readonly length: number;
}

/**
 * Decodes a run of PADDING after its first byte (`type`, 0x00) was read: consumes every following 0x00 byte.
 */
export function decodePadding(r: Reader, _type: number = FrameType.PADDING): PaddingFrame {
  const buf = r.buffer;
  const start = r.offset;
  const end = start + r.remaining;
  let i = start;
  while (i < end && buf[i] === 0) i++;
  r.skip(i - start);
  return { kind: 'padding', length: 1 + (i - start) };
}

/** Writes `frame.length` zero bytes. Throws `RangeError` if the length is not a positive integer. */
export function encodePadding(w: Writer, frame: PaddingFrame): void {
  if (!Number.isSafeInteger(frame.length) || frame.length < 1) {
    throw new RangeError(`PADDING length must be a positive integer, not ${frame.length}`);
  }
  w.fill(frame.length, 0);
}

/** Encoded size of a PADDING run: its length. */
export function sizeOfPadding(frame: PaddingFrame): number {
  return frame.length;
}
