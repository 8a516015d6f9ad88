/** PING frames (RFC 9000 §19.2): no content; they make a packet ack-eliciting. */
import type { Reader, Writer } from '@qk/octets';
import { FrameType } from './frame-type.js';

/** A PING frame. */
export interface PingFrame {
  readonly kind: 'ping';
}

const PING: PingFrame = Object.freeze({ kind: 'ping' });

/** Decodes a PING after its type byte (nothing follows it). */
export function decodePing(_r: Reader, _type: number = FrameType.PING): PingFrame {
  return PING;
}

/** Writes a PING frame. */
export function encodePing(w: Writer, _frame: PingFrame): void {
  w.writeU8(FrameType.PING);
}

/** Encoded size of a PING frame: 1. */
export function sizeOfPing(_frame: PingFrame): number {
  return 1;
}
