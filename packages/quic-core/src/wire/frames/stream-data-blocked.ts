/** STREAM_DATA_BLOCKED frames (RFC 9000 §19.13): the sender is blocked by a stream's flow control. */
import type { Reader, Writer } from '@qk/octets';
import { varintSize } from '@qk/octets';
import { FrameType } from './frame-type.js';

/** A STREAM_DATA_BLOCKED frame. */
export interface StreamDataBlockedFrame {
  readonly kind: 'streamDataBlocked';
  /** Stream ID of the blocked stream. */
  readonly streamId: number;
  /** Maximum Stream Data: the stream's limit at which blocking occurred. */
  readonly maximumStreamData: number;
}

/** Decodes a STREAM_DATA_BLOCKED frame after its type. */
export function decodeStreamDataBlocked(r: Reader, _type: number = FrameType.STREAM_DATA_BLOCKED): StreamDataBlockedFrame {
  const streamId = r.readVarint();
  const maximumStreamData = r.readVarint();
  return { kind: 'streamDataBlocked', streamId, maximumStreamData };
}

/** Writes a STREAM_DATA_BLOCKED frame. */
export function encodeStreamDataBlocked(w: Writer, frame: StreamDataBlockedFrame): void {
  w.writeU8(FrameType.STREAM_DATA_BLOCKED);
  w.writeVarint(frame.streamId);
  w.writeVarint(frame.maximumStreamData);
}

/** Encoded size of a STREAM_DATA_BLOCKED frame. */
export function sizeOfStreamDataBlocked(frame: StreamDataBlockedFrame): number {
  return 1 + varintSize(frame.streamId) + varintSize(frame.maximumStreamData);
}
