/** STOP_SENDING frames (RFC 9000 §19.5): the receiver asks the peer to stop sending on a stream. */
import type { Reader, Writer } from '@qk/octets';
import { varintSize } from '@qk/octets';
import { FrameType } from './frame-type.js';

/** A STOP_SENDING frame. */
export interface StopSendingFrame {
  readonly kind: 'stopSending';
  /** Stream ID of the stream being ignored. */
  readonly streamId: number;
  /** Application Protocol Error Code the application gave for ignoring the stream. */
  readonly errorCode: number;
}

/** Decodes a STOP_SENDING frame after its type. */
export function decodeStopSending(r: Reader, _type: number = FrameType.STOP_SENDING): StopSendingFrame {
  const streamId = r.readVarint();
  const errorCode = r.readVarint();
  return { kind: 'stopSending', streamId, errorCode };
}

/** Writes a STOP_SENDING frame. */
export function encodeStopSending(w: Writer, frame: StopSendingFrame): void {
  w.writeU8(FrameType.STOP_SENDING);
  w.writeVarint(frame.streamId);
  w.writeVarint(frame.errorCode);
}

/** Encoded size of a STOP_SENDING frame. */
export function sizeOfStopSending(frame: StopSendingFrame): number {
  return 1 + varintSize(frame.streamId) + varintSize(frame.errorCode);
}
