/** MAX_DATA frames (RFC 9000 §19.9): the connection-level flow control limit. */
import type { Reader, Writer } from '@qk/octets';
import { varintSize } from '@qk/octets';
import { FrameType } from './frame-type.js';

/** A MAX_DATA frame. */
export interface MaxDataFrame {
  readonly kind: 'maxData';
  /** Maximum Data: the most bytes the peer may send on all streams together. */
  readonly maximumData: number;
}

/** Decodes a MAX_DATA frame after its type. Values of 2^53 - 1 and above saturate (see the varint policy). */
export function decodeMaxData(r: Reader, _type: number = FrameType.MAX_DATA): MaxDataFrame {
  return { kind: 'maxData', maximumData: r.readVarint() };
}

/** Writes a MAX_DATA frame. */
export function encodeMaxData(w: Writer, frame: MaxDataFrame): void {
  w.writeU8(FrameType.MAX_DATA);
  w.writeVarint(frame.maximumData);
}

/** Encoded size of a MAX_DATA frame. */
export function sizeOfMaxData(frame: MaxDataFrame): number {
  return 1 + varintSize(frame.maximumData);
}
