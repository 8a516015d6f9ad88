/**
 * CONNECTION_CLOSE frames (RFC 9000 §19.19): type 0x1c reports a QUIC transport error and names the frame type that
 * caused it; type 0x1d reports an application error.
 */
import type { Reader, Writer } from '@qk/octets';
import { varintSize } from '@qk/octets';
import { FrameType } from './frame-type.js';

/** A CONNECTION_CLOSE of type 0x1c: a transport error. */
export interface TransportCloseFrame {
  readonly kind: 'connectionClose';
  readonly errorSpace: 'transport';
  /** Error Code: a transport error code (RFC 9000 §20.1). */
  readonly errorCode: number;
  /** Frame Type that triggered the error; 0 when unknown. */
  readonly frameType: number;
  /** Reason Phrase bytes (UTF-8 by convention, not checked): a view into the packet when decoded. */
  readonly reasonPhrase: Uint8Array;
}

/** A CONNECTION_CLOSE of type 0x1d: an application error. */
export interface ApplicationCloseFrame {
  readonly kind: 'connectionClose';
  readonly errorSpace: 'application';
  /** Error Code: an application protocol error code. */
  readonly errorCode: number;
  /** Reason Phrase bytes (UTF-8 by convention, not checked): a view into the packet when decoded. */
  readonly reasonPhrase: Uint8Array;
}

/** A CONNECTION_CLOSE frame of either type, told apart by `errorSpace`. */
export type ConnectionCloseFrame = TransportCloseFrame | ApplicationCloseFrame;

/** Decodes a CONNECTION_CLOSE frame after its type (0x1c or 0x1d). */
export function decodeConnectionClose(r: Reader, type: number = FrameType.CONNECTION_CLOSE): ConnectionCloseFrame {
  const errorCode = r.readVarint();
  if (type === FrameType.CONNECTION_CLOSE_APPLICATION) {
    const reasonPhrase = r.readVarintBytes();
    return { kind: 'connectionClose', errorSpace: 'application', errorCode, reasonPhrase };
  }
  const frameType = r.readVarint();
  const reasonPhrase = r.readVarintBytes();
  return { kind: 'connectionClose', errorSpace: 'transport', errorCode, frameType, reasonPhrase };
}

/** Writes a CONNECTION_CLOSE frame: type 0x1c for a transport error, 0x1d for an application error. */
export function encodeConnectionClose(w: Writer, frame: ConnectionCloseFrame): void {
  if (frame.errorSpace === 'transport') {
    w.writeU8(FrameType.CONNECTION_CLOSE);
    w.writeVarint(frame.errorCode);
    w.writeVarint(frame.frameType);
  } else {
    w.writeU8(FrameType.CONNECTION_CLOSE_APPLICATION);
    w.writeVarint(frame.errorCode);
  }
  w.writeVarintBytes(frame.reasonPhrase);
}

/** Encoded size of a CONNECTION_CLOSE frame. */
export function sizeOfConnectionClose(frame: ConnectionCloseFrame): number {
  return (
    1 +
    varintSize(frame.errorCode) +
    (frame.errorSpace === 'transport' ? varintSize(frame.frameType) : 0) +
    varintSize(frame.reasonPhrase.length) +
    frame.reasonPhrase.length
  );
}
