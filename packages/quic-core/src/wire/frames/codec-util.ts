/**
 * Small helpers shared by the frame codecs (internal: not part of the public surface).
 */
import { Reader } from '@qk/octets';
import { TransportError } from '../../errors.js';

/** What `Reader.readVarint` returns for any value of 2^53 - 1 or more (see the varint policy in @qk/octets). */
export const SATURATED = Number.MAX_SAFE_INTEGER;

/** 2^62 - 1, the largest varint and the largest stream offset (RFC 9000 §19.8). */
export const MAX_VARINT_BIG = (1n << 62n) - 1n;

/** 2^60, the largest stream count (RFC 9000 §19.11). */
export const MAX_STREAMS_BIG = 1n << 60n;

/**
 * The exact value of the varint at `buffer[start, end)`. Used only when `readVarint` saturated and a limit above
 * 2^53 has to be checked exactly.
 */
export function exactVarint(buffer: Uint8Array, start: number, end: number): bigint {
  return new Reader(buffer, start, end).readVarintBig();
}

/** A FRAME_ENCODING_ERROR for frame `type`. */
export function frameEncodingError(type: number, reason: string): TransportError {
  return new TransportError('FRAME_ENCODING_ERROR', reason, { frameType: type });
}

/**
 * Reads a stream count (MAX_STREAMS, STREAMS_BLOCKED). Counts from 2^53 - 1 to 2^60 saturate to 2^53 - 1.
 *
 * @throws TransportError FRAME_ENCODING_ERROR above 2^60 (RFC 9000 §19.11, §19.14)
 */
export function readStreamCount(r: Reader, type: number): number {
  const start = r.offset;
  const count = r.readVarint();
  if (count === SATURATED && exactVarint(r.buffer, start, r.offset) > MAX_STREAMS_BIG) {
    throw frameEncodingError(type, 'stream count above 2^60');
  }
  return count;
}
