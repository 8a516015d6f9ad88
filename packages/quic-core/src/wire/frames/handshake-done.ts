/** HANDSHAKE_DONE frames (RFC 9000 §19.20): the server confirms the handshake. No content. */
import type { Reader, Writer } from '@qk/octets';
import { FrameType } from './frame-type.js';

/** A HANDSHAKE_DONE frame. */
export interface HandshakeDoneFrame {
  readonly kind: 'handshakeDone';
}

const HANDSHAKE_DONE: HandshakeDoneFrame = Object.freeze({ kind: 'handshakeDone' });

/** Decodes a HANDSHAKE_DONE after its type byte (nothing follows it). */
export function decodeHandshakeDone(_r: Reader, _type: number = FrameType.HANDSHAKE_DONE): HandshakeDoneFrame {
  return HANDSHAKE_DONE;
}

/** Writes a HANDSHAKE_DONE frame. */
export function encodeHandshakeDone(w: Writer, _frame: HandshakeDoneFrame): void {
  w.writeU8(FrameType.HANDSHAKE_DONE);
}

/** Encoded size of a HANDSHAKE_DONE frame: 1. */
export function sizeOfHandshakeDone(_frame: HandshakeDoneFrame): number {
  return 1;
}
