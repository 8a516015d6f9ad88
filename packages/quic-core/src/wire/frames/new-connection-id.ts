/** NEW_CONNECTION_ID frames (RFC 9000 §19.15): an alternative connection ID and its stateless reset token. */
import type { Reader, Writer } from '@qk/octets';
import { varintSize } from '@qk/octets';
import { SATURATED, exactVarint, frameEncodingError } from './codec-util.js';
import { FrameType } from './frame-type.js';

/** Bytes in a stateless reset token (RFC 9000 §10.3). */
export const STATELESS_RESET_TOKEN_LENGTH = 16;

/** The longest connection ID QUIC v1 and v2 allow (RFC 9000 §17.2). */
export const MAX_CONNECTION_ID_LENGTH = 20;

/** A NEW_CONNECTION_ID frame. */
export interface NewConnectionIdFrame {
  readonly kind: 'newConnectionId';
  /** Sequence Number assigned to the connection ID by the sender. */
  readonly sequenceNumber: number;
  /** Retire Prior To: connection IDs with a lower sequence number must be retired. At most `sequenceNumber`. */
  readonly retirePriorTo: number;
  /** The connection ID, 1 to 20 bytes: a view into the packet when decoded. */
  readonly connectionId: Uint8Array;
  /** The 16-byte Stateless Reset Token for this connection ID: a view into the packet when decoded. */
  readonly statelessResetToken: Uint8Array;
}

/**
 * Decodes a NEW_CONNECTION_ID frame after its type.
 *
 * @throws TransportError FRAME_ENCODING_ERROR if Retire Prior To exceeds the Sequence Number, or the connection ID
 *   length is not 1 to 20 (RFC 9000 §19.15)
 */
export function decodeNewConnectionId(r: Reader, type: number = FrameType.NEW_CONNECTION_ID): NewConnectionIdFrame {
  const sequenceStart = r.offset;
  const sequenceNumber = r.readVarint();
  const retireStart = r.offset;
  const retirePriorTo = r.readVarint();
  const retireEnd = r.offset;
  if (retirePriorTo > sequenceNumber) {
    throw frameEncodingError(type, `Retire Prior To ${retirePriorTo} exceeds Sequence Number ${sequenceNumber}`);
  }
  if (
    retirePriorTo === SATURATED &&
    exactVarint(r.buffer, retireStart, retireEnd) > exactVarint(r.buffer, sequenceStart, retireStart)
  ) {
    throw frameEncodingError(type, 'Retire Prior To exceeds Sequence Number');
  }
  const length = r.readU8();
  if (length < 1 || length > MAX_CONNECTION_ID_LENGTH) {
    throw frameEncodingError(type, `connection ID length ${length} is not 1 to ${MAX_CONNECTION_ID_LENGTH}`);
  }
  const connectionId = r.readBytes(length);
  const statelessResetToken = r.readBytes(STATELESS_RESET_TOKEN_LENGTH);
  return { kind: 'newConnectionId', sequenceNumber, retirePriorTo, connectionId, statelessResetToken };
}

/**
 * Writes a NEW_CONNECTION_ID frame. Throws `RangeError` for a connection ID not 1 to 20 bytes, a token not 16 bytes,
 * or Retire Prior To above the Sequence Number.
 */
export function encodeNewConnectionId(w: Writer, frame: NewConnectionIdFrame): void {
  const cid = frame.connectionId;
  if (cid.length < 1 || cid.length > MAX_CONNECTION_ID_LENGTH) {
    throw new RangeError(`connection ID length ${cid.length} is not 1 to ${MAX_CONNECTION_ID_LENGTH}`);
  }
  if (frame.statelessResetToken.length !== STATELESS_RESET_TOKEN_LENGTH) {
    throw new RangeError(`stateless reset token must be ${STATELESS_RESET_TOKEN_LENGTH} bytes`);
  }
  if (frame.retirePriorTo > frame.sequenceNumber) throw new RangeError('Retire Prior To exceeds Sequence Number');
  w.writeU8(FrameType.NEW_CONNECTION_ID);
  w.writeVarint(frame.sequenceNumber);
  w.writeVarint(frame.retirePriorTo);
  w.writeU8(cid.length);
  w.writeBytes(cid);
  w.writeBytes(frame.statelessResetToken);
}

/** Encoded size of a NEW_CONNECTION_ID frame. */
export function sizeOfNewConnectionId(frame: NewConnectionIdFrame): number {
  return (
    1 +
    varintSize(frame.sequenceNumber) +
    varintSize(frame.retirePriorTo) +
    1 +
    frame.connectionId.length +
    STATELESS_RESET_TOKEN_LENGTH
  );
}
