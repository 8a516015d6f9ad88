/** DATA_BLOCKED frames (RFC 9000 §19.12): the sender is blocked by connection-level flow control. */
import type { Reader, Writer } from '@qk/octets';
import { varintSize } from '@qk/octets';
import { FrameType } from './frame-type.js';

/** A DATA_BLOCKED frame. */
export interface DataBlockedFrame {
  readonly kind: 'dataBlocked';
  /** Maximum Data: the connection-level limit at which blocking occurred. */
  readonly maximumData: number;
}

/** Decodes a DATA_BLOCKED frame after its type. */
export function decodeDataBlocked(r: Reader, _type: number = FrameType.DATA_BLOCKED): DataBlockedFrame {
  return { kind: 'dataBlocked', maximumData: r.readVarint() };
}

/** Writes a DATA_BLOCKED frame. */
export function encodeDataBlocked(w: Writer, frame: DataBlockedFrame): void {
  w.writeU8(FrameType.DATA_BLOCKED);
  w.writeVarint(frame.maximumData);
}

/** Encoded size of a DATA_BLOCKED frame. */
export function sizeOfDataBlocked(frame: DataBlockedFrame): number {
  return 1 + varintSize(frame.maximumData);
}
