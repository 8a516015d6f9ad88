/**
 * Stream frames (RFC 9000 §19.4, §19.5, §19.8, §19.10, §19.13): STREAM, RESET_STREAM, STOP_SENDING, MAX_STREAM_DATA
 * and STREAM_DATA_BLOCKED, handed to the stream manager, which enforces stream states, limits and flow control.
 *
 * @module
 */
import { FrameType, streamFrameType } from '../../wire/index.js';
import type {
  MaxStreamDataFrame,
  ResetStreamFrame,
  StopSendingFrame,
  StreamDataBlockedFrame,
  StreamFrame,
} from '../../wire/index.js';
import type { ConnectionCore } from '../core.js';

/**
 * STREAM (RFC 9000 §19.8).
 *
 * @throws TransportError STREAM_STATE_ERROR, STREAM_LIMIT_ERROR, FLOW_CONTROL_ERROR, FINAL_SIZE_ERROR
 */
export function onStreamFrame(c: ConnectionCore, f: StreamFrame): void {
  c.streams.onStreamFrame(f.streamId, f.offset, f.data, f.fin, streamFrameType(f));
}

/** RESET_STREAM (RFC 9000 §19.4). */
export function onResetStreamFrame(c: ConnectionCore, f: ResetStreamFrame): void {
  c.streams.onResetStream(f.streamId, f.errorCode, f.finalSize, FrameType.RESET_STREAM);
}

/** STOP_SENDING (RFC 9000 §19.5): the stream manager answers with RESET_STREAM. */
export function onStopSendingFrame(c: ConnectionCore, f: StopSendingFrame): void {
  c.streams.onStopSending(f.streamId, f.errorCode, FrameType.STOP_SENDING);
}

/** MAX_STREAM_DATA (RFC 9000 §19.10). */
export function onMaxStreamDataFrame(c: ConnectionCore, f: MaxStreamDataFrame): void {
  c.streams.onMaxStreamData(f.streamId, f.maximumStreamData, FrameType.MAX_STREAM_DATA);
}

/** STREAM_DATA_BLOCKED (RFC 9000 §19.13): make sure a current limit reaches the peer. */
export function onStreamDataBlockedFrame(c: ConnectionCore, f: StreamDataBlockedFrame): void {
  c.streams.onStreamDataBlocked(f.streamId, FrameType.STREAM_DATA_BLOCKED);
}
