/**
 * STREAM frames (RFC 9000 §19.8), types 0x08-0x0f. The low three bits of the type say which optional parts follow:
 * OFF (0x04) an Offset field, LEN (0x02) a Length field, FIN (0x01) the end of the stream. Without LEN the data
 * extends to the end of the packet, which lets the last frame of a packet save its length.
 */
import type { Reader, Writer } from '@qk/octets';
import { varintSize } from '@qk/octets';
import { MAX_VARINT_BIG, SATURATED, exactVarint, frameEncodingError } from './codec-util.js';
import { FrameType } from './frame-type.js';

/** The flag bits of a STREAM frame type (RFC 9000 §19.8). */
export const StreamFrameBits = {
  /** An Offset field is present (otherwise the offset is 0). */
  OFF: 0x04,
  /** A Length field is present (otherwise the data runs to the end of the packet). */
  LEN: 0x02,
  /** The frame ends the stream. */
  FIN: 0x01,
} as const;

/** A STREAM frame. */
export interface StreamFrame {
  readonly kind: 'stream';
  /** Stream ID. */
  readonly streamId: number;
  /** Byte offset of `data` in the stream. */
  readonly offset: number;
  /** Stream Data: a view into the packet when decoded. */
  readonly data: Uint8Array;
  /** True when this frame carries the end of the stream (the final size is `offset + data.length`). */
  readonly fin: boolean;
}

/**
 * Decodes a STREAM frame after its type (0x08-0x0f). Without the LEN bit the data is the rest of the reader.
 *
 * @throws TransportError FRAME_ENCODING_ERROR if offset + length exceeds 2^62 - 1 (RFC 9000 §19.8)
 */
export function decodeStream(r: Reader, type: number = FrameType.STREAM | StreamFrameBits.LEN): StreamFrame {
  const streamId = r.readVarint();
  let offset = 0;
  let offsetStart = 0;
  let offsetEnd = 0;
  if ((type & StreamFrameBits.OFF) !== 0) {
    offsetStart = r.offset;
    offset = r.readVarint();
    offsetEnd = r.offset;
  }
  const data = (type & StreamFrameBits.LEN) !== 0 ? r.readVarintBytes() : r.rest();
  // Below 2^53 - 1 the sum cannot reach 2^62 - 1 (data is bounded by the packet); above, check exactly.
  if (offset === SATURATED && exactVarint(r.buffer, offsetStart, offsetEnd) + BigInt(data.length) > MAX_VARINT_BIG) {
    throw frameEncodingError(type, 'STREAM data ends beyond 2^62 - 1');
  }
  return { kind: 'stream', streamId, offset, data, fin: (type & StreamFrameBits.FIN) !== 0 };
}

/** The frame type {@link encodeStream} writes for `frame`. */
export function streamFrameType(frame: StreamFrame, lastInPacket = false): number {
  return (
    FrameType.STREAM |
    (frame.offset > 0 ? StreamFrameBits.OFF : 0) |
    (lastInPacket ? 0 : StreamFrameBits.LEN) |
    (frame.fin ? StreamFrameBits.FIN : 0)
  );
}

/**
 * Writes a STREAM frame. The Offset field is written only when the offset is not 0.
 *
 * @param lastInPacket omit the Length field: the frame then must be the last in its packet
 */
export function encodeStream(w: Writer, frame: StreamFrame, lastInPacket = false): void {
  w.writeU8(streamFrameType(frame, lastInPacket));
  w.writeVarint(frame.streamId);
  if (frame.offset > 0) w.writeVarint(frame.offset);
  if (!lastInPacket) w.writeVarint(frame.data.length);
  w.writeBytes(frame.data);
}

/** Encoded size of a STREAM frame (with or without its Length field). */
export function sizeOfStream(frame: StreamFrame, lastInPacket = false): number {
  return streamFrameOverhead(frame.streamId, frame.offset, frame.data.length, lastInPacket) + frame.data.length;
}

/**
 * Bytes a STREAM frame spends on everything but its data (type, Stream ID, Offset, Length), for packet builders
 * that size the data to the space left.
 */
export function streamFrameOverhead(streamId: number, offset: number, dataLength: number, lastInPacket = false): number {
  return 1 + varintSize(streamId) + (offset > 0 ? varintSize(offset) : 0) + (lastInPacket ? 0 : varintSize(dataLength));
}
