/**
 * DATAGRAM frames (RFC 9221 §4): unreliable application data. Type 0x31 carries a Length field; type 0x30 does not,
 * and its data extends to the end of the packet.
 */
import type { Reader, Writer } from '@qk/octets';
import { varintSize } from '@qk/octets';
import { FrameType } from './frame-type.js';

/** A DATAGRAM frame. */
export interface DatagramFrame {
  readonly kind: 'datagram';
  /** Datagram Data: a view into the packet when decoded. */
  readonly data: Uint8Array;
}

/** Decodes a DATAGRAM frame after its type: 0x31 reads a length, 0x30 takes the rest of the reader. */
export function decodeDatagram(r: Reader, type: number = FrameType.DATAGRAM_WITH_LENGTH): DatagramFrame {
  const data = type === FrameType.DATAGRAM_WITH_LENGTH ? r.readVarintBytes() : r.rest();
  return { kind: 'datagram', data };
}

/**
 * Writes a DATAGRAM frame: type 0x31 with a Length field, or 0x30 without when `lastInPacket` (the frame must
 * then be the last in its packet).
 */
export function encodeDatagram(w: Writer, frame: DatagramFrame, lastInPacket = false): void {
  if (lastInPacket) {
    w.writeU8(FrameType.DATAGRAM);
  } else {
    w.writeU8(FrameType.DATAGRAM_WITH_LENGTH);
    w.writeVarint(frame.data.length);
  }
  w.writeBytes(frame.data);
}

/** Encoded size of a DATAGRAM frame (with or without its Length field). */
export function sizeOfDatagram(frame: DatagramFrame, lastInPacket = false): number {
  return 1 + (lastInPacket ? 0 : varintSize(frame.data.length)) + frame.data.length;
}
