/** STREAMS_BLOCKED frames (RFC 9000 §19.14), types 0x16 (bidirectional) and 0x17 (unidirectional). */
import type { Reader, Writer } from '@qk/octets';
import { varintSize } from '@qk/octets';
import { FrameType } from './frame-type.js';
import { readStreamCount } from './codec-util.js';
import type { StreamDirection } from './max-streams.js';

/** A STREAMS_BLOCKED frame. */
export interface StreamsBlockedFrame {
  readonly kind: 'streamsBlocked';
  /** 'bidi' for type 0x16, 'uni' for 0x17. */
  readonly streamType: StreamDirection;
  /** Maximum Streams: the stream limit at the time the frame was sent. */
  readonly maximumStreams: number;
}

/**
 * Decodes a STREAMS_BLOCKED frame after its type (0x16 or 0x17).
 *
 * @throws TransportError FRAME_ENCODING_ERROR if the count exceeds 2^60 (RFC 9000 §19.14)
 */
export function decodeStreamsBlocked(r: Reader, type: number = FrameType.STREAMS_BLOCKED_BIDI): StreamsBlockedFrame {
  const maximumStreams = readStreamCount(r, type);
  return { kind: 'streamsBlocked', streamType: type === FrameType.STREAMS_BLOCKED_UNI ? 'uni' : 'bidi', maximumStreams };
}

/** Writes a STREAMS_BLOCKED frame. */
export function encodeStreamsBlocked(w: Writer, frame: StreamsBlockedFrame): void {
  w.writeU8(frame.streamType === 'uni' ? FrameType.STREAMS_BLOCKED_UNI : FrameType.STREAMS_BLOCKED_BIDI);
  w.writeVarint(frame.maximumStreams);
}

/** Encoded size of a STREAMS_BLOCKED frame. */
export function sizeOfStreamsBlocked(frame: StreamsBlockedFrame): number {
  return 1 + varintSize(frame.maximumStreams);
}
