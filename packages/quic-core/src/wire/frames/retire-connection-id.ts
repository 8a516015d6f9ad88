/** RETIRE_CONNECTION_ID frames (RFC 9000 §19.16): the sender will no longer use a connection ID the peer issued. */
import type { Reader, Writer } from '@qk/octets';
import { varintSize } from '@qk/octets';
import { FrameType } from './frame-type.js';

/** A RETIRE_CONNECTION_ID frame. */
export interface RetireConnectionIdFrame {
  readonly kind: 'retireConnectionId';
  /** Sequence Number of the connection ID being retired. */
  readonly sequenceNumber: number;
}

/** Decodes a RETIRE_CONNECTION_ID frame after its type. */
export function decodeRetireConnectionId(
  r: Reader,
  _type: number = FrameType.RETIRE_CONNECTION_ID,
): RetireConnectionIdFrame {
  return { kind: 'retireConnectionId', sequenceNumber: r.readVarint() };
}

/** Writes a RETIRE_CONNECTION_ID frame. */
export function encodeRetireConnectionId(w: Writer, frame: RetireConnectionIdFrame): void {
  w.writeU8(FrameType.RETIRE_CONNECTION_ID);
  w.writeVarint(frame.sequenceNumber);
}

/** Encoded size of a RETIRE_CONNECTION_ID frame. */
export function sizeOfRetireConnectionId(frame: RetireConnectionIdFrame): number {
  return 1 + varintSize(frame.sequenceNumber);
}
