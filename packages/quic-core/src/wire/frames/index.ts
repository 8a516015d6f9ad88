/**
 * QUIC frames (RFC 9000 §12.4, §19; RFC 9221 §4): the {@link Frame} union, one dispatching decoder that enforces
 * RFC 9000 Table 3, and the matching encoder and size function. Each frame family lives in its own file beside
 * this one, with its test.
 */
import { DecodeError } from '@qk/octets';
import type { Reader, Writer } from '@qk/octets';
import { TransportError } from '../../errors.js';
import type { FramePacketType } from '../packet-type.js';
import { DEFAULT_MAX_ACK_RANGES, decodeAck, encodeAck, sizeOfAck } from './ack.js';
import type { AckFrame } from './ack.js';
import { decodeConnectionClose, encodeConnectionClose, sizeOfConnectionClose } from './connection-close.js';
import type { ConnectionCloseFrame } from './connection-close.js';
import { decodeCrypto, encodeCrypto, sizeOfCrypto } from './crypto.js';
import type { CryptoFrame } from './crypto.js';
import { decodeDataBlocked, encodeDataBlocked, sizeOfDataBlocked } from './data-blocked.js';
import type { DataBlockedFrame } from './data-blocked.js';
import { decodeDatagram, encodeDatagram, sizeOfDatagram } from './datagram.js';
import type { DatagramFrame } from './datagram.js';
import { FrameType, frameTypeInfo, frameTypeName } from './frame-type.js';
import { decodeHandshakeDone, encodeHandshakeDone, sizeOfHandshakeDone } from './handshake-done.js';
import type { HandshakeDoneFrame } from './handshake-done.js';
import { decodeMaxData, encodeMaxData, sizeOfMaxData } from './max-data.js';
import type { MaxDataFrame } from './max-data.js';
import { decodeMaxStreamData, encodeMaxStreamData, sizeOfMaxStreamData } from './max-stream-data.js';
import type { MaxStreamDataFrame } from './max-stream-data.js';
import { decodeMaxStreams, encodeMaxStreams, sizeOfMaxStreams } from './max-streams.js';
import type { MaxStreamsFrame } from './max-streams.js';
import { decodeNewConnectionId, encodeNewConnectionId, sizeOfNewConnectionId } from './new-connection-id.js';
import type { NewConnectionIdFrame } from './new-connection-id.js';
import { decodeNewToken, encodeNewToken, sizeOfNewToken } from './new-token.js';
import type { NewTokenFrame } from './new-token.js';
import { decodePadding, encodePadding, sizeOfPadding } from './padding.js';
import type { PaddingFrame } from './padding.js';
import {
  decodePathChallenge,
  decodePathResponse,
  encodePathChallenge,
  encodePathResponse,
  sizeOfPathChallenge,
  sizeOfPathResponse,
} from './path-validation.js';
import type { PathChallengeFrame, PathResponseFrame } from './path-validation.js';
import { decodePing, encodePing, sizeOfPing } from './ping.js';
import type { PingFrame } from './ping.js';
import { decodeResetStream, encodeResetStream, sizeOfResetStream } from './reset-stream.js';
import type { ResetStreamFrame } from './reset-stream.js';
import { decodeRetireConnectionId, encodeRetireConnectionId, sizeOfRetireConnectionId } from './retire-connection-id.js';
import type { RetireConnectionIdFrame } from './retire-connection-id.js';
import { decodeStopSending, encodeStopSending, sizeOfStopSending } from './stop-sending.js';
import type { StopSendingFrame } from './stop-sending.js';
import { decodeStream, encodeStream, sizeOfStream, streamFrameType } from './stream.js';
import type { StreamFrame } from './stream.js';
import { decodeStreamDataBlocked, encodeStreamDataBlocked, sizeOfStreamDataBlocked } from './stream-data-blocked.js';
import type { StreamDataBlockedFrame } from './stream-data-blocked.js';
import { decodeStreamsBlocked, encodeStreamsBlocked, sizeOfStreamsBlocked } from './streams-blocked.js';
import type { StreamsBlockedFrame } from './streams-blocked.js';

/** Every QUIC frame qk knows, discriminated on `kind`. Byte fields of decoded frames are views into the packet. */
export type Frame =
  | PaddingFrame
  | PingFrame
  | AckFrame
  | ResetStreamFrame
  | StopSendingFrame
  | CryptoFrame
  | NewTokenFrame
  | StreamFrame
  | MaxDataFrame
  | MaxStreamDataFrame
  | MaxStreamsFrame
  | DataBlockedFrame
  | StreamDataBlockedFrame
  | StreamsBlockedFrame
  | NewConnectionIdFrame
  | RetireConnectionIdFrame
  | PathChallengeFrame
  | PathResponseFrame
  | ConnectionCloseFrame
  | HandshakeDoneFrame
  | DatagramFrame;

/** The `kind` of a {@link Frame}. */
export type FrameKind = Frame['kind'];

function assertNever(x: never): never {
  throw new TypeError(`unexpected frame ${JSON.stringify(x)}`);
}

/**
 * Decodes the next frame of a packet's payload.
 *
 * Enforces RFC 9000 §12.4: an unknown frame type is a FRAME_ENCODING_ERROR; a frame type that is not minimally
 * encoded, or a frame that Table 3 does not allow in `packetType`, is a PROTOCOL_VIOLATION. A truncated frame (the
 * reader's `DecodeError`) becomes a FRAME_ENCODING_ERROR carrying the frame type, here and nowhere else.
 *
 * @param r the payload reader, positioned at a frame type; a STREAM frame without Length or a DATAGRAM of type
 *   0x30 consumes the rest of it
 * @param packetType the type of the packet the payload came from
 * @param maxAckRanges how many ranges a decoded ACK keeps (see {@link DEFAULT_MAX_ACK_RANGES})
 * @throws TransportError and nothing else for any input
 * @example
 * const r = new Reader(payload);
 * while (!r.isEmpty()) handle(decodeFrame(r, 'oneRtt'));
 */
export function decodeFrame(r: Reader, packetType: FramePacketType, maxAckRanges = DEFAULT_MAX_ACK_RANGES): Frame {
  const start = r.offset;
  let type: number;
  try {
    type = r.readVarint();
  } catch (e) {
    if (e instanceof DecodeError) throw new TransportError('FRAME_ENCODING_ERROR', 'missing frame type', { cause: e });
    throw e;
  }
  const info = frameTypeInfo(type);
  if (info === undefined) {
    throw new TransportError('FRAME_ENCODING_ERROR', `unknown frame type 0x${type.toString(16)}`, { frameType: type });
  }
  if (r.offset - start !== 1) {
    // Every known type is below 0x40: a longer encoding is not the shortest possible (RFC 9000 §12.4).
    throw new TransportError('PROTOCOL_VIOLATION', `${info.name} frame type not minimally encoded`, { frameType: type });
  }
  if (!info[packetType]) {
    throw new TransportError('PROTOCOL_VIOLATION', `${frameTypeName(type)} frame (0x${type.toString(16)}) in a ${packetType} packet`, {
      frameType: type,
    });
  }
  try {
    return decodeKnownFrame(r, type, maxAckRanges);
  } catch (e) {
    if (e instanceof DecodeError) {
      throw new TransportError('FRAME_ENCODING_ERROR', `malformed ${info.name} frame: ${e.message}`, { frameType: type, cause: e });
    }
    throw e;
  }
}

function decodeKnownFrame(r: Reader, type: number, maxAckRanges: number): Frame {
  switch (type) {
    case FrameType.PADDING:
      return decodePadding(r, type);
    case FrameType.PING:
      return decodePing(r, type);
    case FrameType.ACK:
    case FrameType.ACK_ECN:
      return decodeAck(r, type, maxAckRanges);
    case FrameType.RESET_STREAM:
      return decodeResetStream(r, type);
    case FrameType.STOP_SENDING:
      return decodeStopSending(r, type);
    case FrameType.CRYPTO:
      return decodeCrypto(r, type);
    case FrameType.NEW_TOKEN:
      return decodeNewToken(r, type);
    case 0x08:
    case 0x09:
    case 0x0a:
    case 0x0b:
    case 0x0c:
    case 0x0d:
    case 0x0e:
    case 0x0f:
      return decodeStream(r, type);
    case FrameType.MAX_DATA:
      return decodeMaxData(r, type);
    case FrameType.MAX_STREAM_DATA:
      return decodeMaxStreamData(r, type);
    case FrameType.MAX_STREAMS_BIDI:
    case FrameType.MAX_STREAMS_UNI:
      return decodeMaxStreams(r, type);
    case FrameType.DATA_BLOCKED:
      return decodeDataBlocked(r, type);
    case FrameType.STREAM_DATA_BLOCKED:
      return decodeStreamDataBlocked(r, type);
    case FrameType.STREAMS_BLOCKED_BIDI:
    case FrameType.STREAMS_BLOCKED_UNI:
      return decodeStreamsBlocked(r, type);
    case FrameType.NEW_CONNECTION_ID:
      return decodeNewConnectionId(r, type);
    case FrameType.RETIRE_CONNECTION_ID:
      return decodeRetireConnectionId(r, type);
    case FrameType.PATH_CHALLENGE:
      return decodePathChallenge(r, type);
    case FrameType.PATH_RESPONSE:
      return decodePathResponse(r, type);
    case FrameType.CONNECTION_CLOSE:
    case FrameType.CONNECTION_CLOSE_APPLICATION:
      return decodeConnectionClose(r, type);
    case FrameType.HANDSHAKE_DONE:
      return decodeHandshakeDone(r, type);
    case FrameType.DATAGRAM:
    case FrameType.DATAGRAM_WITH_LENGTH:
      return decodeDatagram(r, type);
    default:
      throw new TransportError('FRAME_ENCODING_ERROR', `unknown frame type 0x${type.toString(16)}`, { frameType: type });
  }
}

/**
 * Writes `frame`.
 *
 * @param lastInPacket for STREAM and DATAGRAM frames: omit the Length field (the frame must then end the packet);
 *   ignored for other frames
 * @throws RangeError for a frame that cannot be encoded (a field out of range, a bad length); the writer's
 *   `DecodeError` ("does not fit") when a fixed-size writer is full
 */
export function encodeFrame(w: Writer, frame: Frame, lastInPacket = false): void {
  switch (frame.kind) {
    case 'padding':
      return encodePadding(w, frame);
    case 'ping':
      return encodePing(w, frame);
    case 'ack':
      return encodeAck(w, frame);
    case 'resetStream':
      return encodeResetStream(w, frame);
    case 'stopSending':
      return encodeStopSending(w, frame);
    case 'crypto':
      return encodeCrypto(w, frame);
    case 'newToken':
      return encodeNewToken(w, frame);
    case 'stream':
      return encodeStream(w, frame, lastInPacket);
    case 'maxData':
      return encodeMaxData(w, frame);
    case 'maxStreamData':
      return encodeMaxStreamData(w, frame);
    case 'maxStreams':
      return encodeMaxStreams(w, frame);
    case 'dataBlocked':
      return encodeDataBlocked(w, frame);
    case 'streamDataBlocked':
      return encodeStreamDataBlocked(w, frame);
    case 'streamsBlocked':
      return encodeStreamsBlocked(w, frame);
    case 'newConnectionId':
      return encodeNewConnectionId(w, frame);
    case 'retireConnectionId':
      return encodeRetireConnectionId(w, frame);
    case 'pathChallenge':
      return encodePathChallenge(w, frame);
    case 'pathResponse':
      return encodePathResponse(w, frame);
    case 'connectionClose':
      return encodeConnectionClose(w, frame);
    case 'handshakeDone':
      return encodeHandshakeDone(w, frame);
    case 'datagram':
      return encodeDatagram(w, frame, lastInPacket);
    default:
      return assertNever(frame);
  }
}

/** Encoded size of `frame`, matching {@link encodeFrame} with the same `lastInPacket`. */
export function sizeOfFrame(frame: Frame, lastInPacket = false): number {
  switch (frame.kind) {
    case 'padding':
      return sizeOfPadding(frame);
    case 'ping':
      return sizeOfPing(frame);
    case 'ack':
      return sizeOfAck(frame);
    case 'resetStream':
      return sizeOfResetStream(frame);
    case 'stopSending':
      return sizeOfStopSending(frame);
    case 'crypto':
      return sizeOfCrypto(frame);
    case 'newToken':
      return sizeOfNewToken(frame);
    case 'stream':
      return sizeOfStream(frame, lastInPacket);
    case 'maxData':
      return sizeOfMaxData(frame);
    case 'maxStreamData':
      return sizeOfMaxStreamData(frame);
    case 'maxStreams':
      return sizeOfMaxStreams(frame);
    case 'dataBlocked':
      return sizeOfDataBlocked(frame);
    case 'streamDataBlocked':
      return sizeOfStreamDataBlocked(frame);
    case 'streamsBlocked':
      return sizeOfStreamsBlocked(frame);
    case 'newConnectionId':
      return sizeOfNewConnectionId(frame);
    case 'retireConnectionId':
      return sizeOfRetireConnectionId(frame);
    case 'pathChallenge':
      return sizeOfPathChallenge(frame);
    case 'pathResponse':
      return sizeOfPathResponse(frame);
    case 'connectionClose':
      return sizeOfConnectionClose(frame);
    case 'handshakeDone':
      return sizeOfHandshakeDone(frame);
    case 'datagram':
      return sizeOfDatagram(frame, lastInPacket);
    default:
      return assertNever(frame);
  }
}

/**
 * The frame type {@link encodeFrame} writes for `frame` (for a PADDING run: 0x00), e.g. to name it in a
 * TransportError or a qlog event.
 */
export function frameTypeOf(frame: Frame, lastInPacket = false): number {
  switch (frame.kind) {
    case 'padding':
      return FrameType.PADDING;
    case 'ping':
      return FrameType.PING;
    case 'ack':
      return frame.ecn === undefined ? FrameType.ACK : FrameType.ACK_ECN;
    case 'resetStream':
      return FrameType.RESET_STREAM;
    case 'stopSending':
      return FrameType.STOP_SENDING;
    case 'crypto':
      return FrameType.CRYPTO;
    case 'newToken':
      return FrameType.NEW_TOKEN;
    case 'stream':
      return streamFrameType(frame, lastInPacket);
    case 'maxData':
      return FrameType.MAX_DATA;
    case 'maxStreamData':
      return FrameType.MAX_STREAM_DATA;
    case 'maxStreams':
      return frame.streamType === 'uni' ? FrameType.MAX_STREAMS_UNI : FrameType.MAX_STREAMS_BIDI;
    case 'dataBlocked':
      return FrameType.DATA_BLOCKED;
    case 'streamDataBlocked':
      return FrameType.STREAM_DATA_BLOCKED;
    case 'streamsBlocked':
      return frame.streamType === 'uni' ? FrameType.STREAMS_BLOCKED_UNI : FrameType.STREAMS_BLOCKED_BIDI;
    case 'newConnectionId':
      return FrameType.NEW_CONNECTION_ID;
    case 'retireConnectionId':
      return FrameType.RETIRE_CONNECTION_ID;
    case 'pathChallenge':
      return FrameType.PATH_CHALLENGE;
    case 'pathResponse':
      return FrameType.PATH_RESPONSE;
    case 'connectionClose':
      return frame.errorSpace === 'transport' ? FrameType.CONNECTION_CLOSE : FrameType.CONNECTION_CLOSE_APPLICATION;
    case 'handshakeDone':
      return FrameType.HANDSHAKE_DONE;
    case 'datagram':
      return lastInPacket ? FrameType.DATAGRAM : FrameType.DATAGRAM_WITH_LENGTH;
    default:
      return assertNever(frame);
  }
}

/**
 * True unless `frame` is ACK, PADDING or CONNECTION_CLOSE (the N frames of Table 3): a packet holding any other
 * frame is ack-eliciting (RFC 9000 §13.2, RFC 9002 §2).
 */
export function isAckEliciting(frame: Frame): boolean {
  return frame.kind !== 'ack' && frame.kind !== 'padding' && frame.kind !== 'connectionClose';
}

/**
 * True for the probing frames PATH_CHALLENGE, PATH_RESPONSE, NEW_CONNECTION_ID and PADDING (the P frames of Table 3):
 * a packet holding only these does not make the peer migrate to its path (RFC 9000 §9.1).
 */
export function isProbing(frame: Frame): boolean {
  return (
    frame.kind === 'pathChallenge' ||
    frame.kind === 'pathResponse' ||
    frame.kind === 'newConnectionId' ||
    frame.kind === 'padding'
  );
}

/**
 * True when a packet holding `frame` is "in flight" (RFC 9002 §2: it is ack-eliciting or contains a PADDING
 * frame), and so counts toward bytes in flight and congestion control.
 */
export function countsInFlight(frame: Frame): boolean {
  return frame.kind !== 'ack' && frame.kind !== 'connectionClose';
}

export { FrameType, frameTypeInfo, frameTypeName, isFrameAllowedIn, knownFrameTypes } from './frame-type.js';
export type { FrameTypeInfo, FrameTypeName, FrameTypeRow } from './frame-type.js';
export { DEFAULT_MAX_ACK_RANGES, decodeAck, encodeAck, sizeOfAck } from './ack.js';
export type { AckFrame, EcnCounts } from './ack.js';
export { decodeConnectionClose, encodeConnectionClose, sizeOfConnectionClose } from './connection-close.js';
export type { ApplicationCloseFrame, ConnectionCloseFrame, TransportCloseFrame } from './connection-close.js';
export { cryptoFrameOverhead, decodeCrypto, encodeCrypto, sizeOfCrypto } from './crypto.js';
export type { CryptoFrame } from './crypto.js';
export { decodeDataBlocked, encodeDataBlocked, sizeOfDataBlocked } from './data-blocked.js';
export type { DataBlockedFrame } from './data-blocked.js';
export { decodeDatagram, encodeDatagram, sizeOfDatagram } from './datagram.js';
export type { DatagramFrame } from './datagram.js';
export { decodeHandshakeDone, encodeHandshakeDone, sizeOfHandshakeDone } from './handshake-done.js';
export type { HandshakeDoneFrame } from './handshake-done.js';
export { decodeMaxData, encodeMaxData, sizeOfMaxData } from './max-data.js';
export type { MaxDataFrame } from './max-data.js';
export { decodeMaxStreamData, encodeMaxStreamData, sizeOfMaxStreamData } from './max-stream-data.js';
export type { MaxStreamDataFrame } from './max-stream-data.js';
export { MAX_STREAMS, decodeMaxStreams, encodeMaxStreams, sizeOfMaxStreams } from './max-streams.js';
export type { MaxStreamsFrame, StreamDirection } from './max-streams.js';
export {
  MAX_CONNECTION_ID_LENGTH,
  STATELESS_RESET_TOKEN_LENGTH,
  decodeNewConnectionId,
  encodeNewConnectionId,
  sizeOfNewConnectionId,
} from './new-connection-id.js';
export type { NewConnectionIdFrame } from './new-connection-id.js';
export { decodeNewToken, encodeNewToken, sizeOfNewToken } from './new-token.js';
export type { NewTokenFrame } from './new-token.js';
export { decodePadding, encodePadding, sizeOfPadding } from './padding.js';
export type { PaddingFrame } from './padding.js';
export {
  PATH_DATA_LENGTH,
  decodePathChallenge,
  decodePathResponse,
  encodePathChallenge,
  encodePathResponse,
  sizeOfPathChallenge,
  sizeOfPathResponse,
} from './path-validation.js';
export type { PathChallengeFrame, PathResponseFrame } from './path-validation.js';
export { decodePing, encodePing, sizeOfPing } from './ping.js';
export type { PingFrame } from './ping.js';
export { decodeResetStream, encodeResetStream, sizeOfResetStream } from './reset-stream.js';
export type { ResetStreamFrame } from './reset-stream.js';
export { decodeRetireConnectionId, encodeRetireConnectionId, sizeOfRetireConnectionId } from './retire-connection-id.js';
export type { RetireConnectionIdFrame } from './retire-connection-id.js';
export { decodeStopSending, encodeStopSending, sizeOfStopSending } from './stop-sending.js';
export type { StopSendingFrame } from './stop-sending.js';
export {
  StreamFrameBits,
  decodeStream,
  encodeStream,
  sizeOfStream,
  streamFrameOverhead,
  streamFrameType,
} from './stream.js';
export type { StreamFrame } from './stream.js';
export { decodeStreamDataBlocked, encodeStreamDataBlocked, sizeOfStreamDataBlocked } from './stream-data-blocked.js';
export type { StreamDataBlockedFrame } from './stream-data-blocked.js';
export { decodeStreamsBlocked, encodeStreamsBlocked, sizeOfStreamsBlocked } from './streams-blocked.js';
export type { StreamsBlockedFrame } from './streams-blocked.js';
