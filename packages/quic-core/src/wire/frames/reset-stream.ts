/** RESET_STREAM frames (RFC 9000 §19.4): abrupt termination of the sending part of a stream. */
import type { Reader, Writer } from '@qk/octets';
import { varintSize } from '@qk/octets';
import { FrameType } from './frame-type.js';

/** A RESET_STREAM frame. */
export interface ResetStreamFrame {
  readonly kind: 'resetStream';
  /** Stream ID of the stream being terminated. */
  readonly streamId: number;
  /** Application Protocol Error Code: why the stream is being closed. */
  readonly errorCode: number;
  /** Final Size of the stream, in bytes. */
  readonly finalSize: number;
}

/** Decodes a RESET_STREAM frame after its type. */
export function decodeResetStream(r: Reader, _type: number = FrameType.RESET_STREAM): ResetStreamFrame {
  const streamId = r.readVarint();
  const errorCode = r.readVarint();
  const finalSize = r.readVarint();
  return { kind: 'resetStream', streamId, errorCode, finalSize };
}

/** Writes a RESET_STREAM frame. */
export function encodeResetStream(w: Writer, frame: ResetStreamFrame): void {
  w.writeU8(FrameType.RESET_STREAM);
  w.writeVarint(frame.streamId);
  w.writeVarint(frame.errorCode);
  w.writeVarint(frame.finalSize);
}

/** Encoded size of a RESET_STREAM frame. */
export function sizeOfResetStream(frame: ResetStreamFrame): number {
  return 1 + varintSize(frame.streamId) + varintSize(frame.errorCode) + varintSize(frame.finalSize);
}
