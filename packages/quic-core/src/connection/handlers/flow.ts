/**
 * Connection-level flow control and stream limits (RFC 9000 §4, §19.9, §19.11, §19.12, §19.14): MAX_DATA,
 * DATA_BLOCKED, MAX_STREAMS and STREAMS_BLOCKED.
 *
 * @module
 */
import { TransportError } from '../../errors.js';
import { FrameType, MAX_STREAMS } from '../../wire/index.js';
import type { DataBlockedFrame, MaxDataFrame, MaxStreamsFrame, StreamsBlockedFrame } from '../../wire/index.js';
import type { ConnectionCore } from '../core.js';

/** MAX_DATA (RFC 9000 §19.9): more connection-level credit. */
export function onMaxDataFrame(c: ConnectionCore, f: MaxDataFrame): void {
  c.streams.onMaxData(f.maximumData);
}

/** DATA_BLOCKED (RFC 9000 §19.12): informational; our MAX_DATA updates follow consumption. */
export function onDataBlockedFrame(_c: ConnectionCore, _f: DataBlockedFrame): void {
  // Nothing to do: the receive window is raised as the application reads (and auto-tunes).
}

/**
 * MAX_STREAMS (RFC 9000 §19.11).
 *
 * @throws TransportError FRAME_ENCODING_ERROR for a limit above 2^60
 */
export function onMaxStreamsFrame(c: ConnectionCore, f: MaxStreamsFrame): void {
  if (f.maximumStreams > MAX_STREAMS) {
    const frameType = f.streamType === 'bidi' ? FrameType.MAX_STREAMS_BIDI : FrameType.MAX_STREAMS_UNI;
    throw new TransportError('FRAME_ENCODING_ERROR', `MAX_STREAMS ${f.maximumStreams} exceeds 2^60`, { frameType });
  }
  c.streams.onMaxStreams(f.streamType, f.maximumStreams);
}

/**
 * STREAMS_BLOCKED (RFC 9000 §19.14): informational; MAX_STREAMS follows as streams close.
 *
 * @throws TransportError FRAME_ENCODING_ERROR for a limit above 2^60
 */
export function onStreamsBlockedFrame(_c: ConnectionCore, f: StreamsBlockedFrame): void {
  if (f.maximumStreams > MAX_STREAMS) {
    const frameType = f.streamType === 'bidi' ? FrameType.STREAMS_BLOCKED_BIDI : FrameType.STREAMS_BLOCKED_UNI;
    throw new TransportError('FRAME_ENCODING_ERROR', `STREAMS_BLOCKED ${f.maximumStreams} exceeds 2^60`, { frameType });
  }
}
