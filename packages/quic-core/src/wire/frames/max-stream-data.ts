/** MAX_STREAM_DATA frames (RFC 9000 §19.10): a stream's flow control limit. */
import type { Reader, Writer } from '@qk/octets';
import { varintSize } from '@qk/octets';
import { FrameType } from './frame-type.js';

/** A MAX_STREAM_DATA frame. */
export interface MaxStreamDataFrame {
  readonly kind: 'maxStreamData';
  /** Stream ID. */
  readonly streamId: number;
  /** Maximum Stream Data: the most bytes the peer may send on this stream. */
  readonly maximumStreamData: number;
}

/** Decodes a MAX_STREAM_DATA frame after its type. */
export function decodeMaxStreamData(r: Reader, _type: number = FrameType.MAX_STREAM_DATA): MaxStreamDataFrame {
  const streamId = r.readVarint();
  const maximumStreamData = r.readVarint();
  return { kind: 'maxStreamData', streamId, maximumStreamData };
}

/** Writes a MAX_STREAM_DATA frame. */
export function encodeMaxStreamData(w: Writer, frame: MaxStreamDataFrame): void {
  w.writeU8(FrameType.MAX_STREAM_DATA);
  w.writeVarint(frame.streamId);
  w.writeVarint(frame.maximumStreamData);
}

/** Encoded size of a MAX_STREAM_DATA frame. */
export function sizeOfMaxStreamData(frame: MaxStreamDataFrame): number {
  return 1 + varintSize(frame.streamId) + varintSize(frame.maximumStreamData);
}
