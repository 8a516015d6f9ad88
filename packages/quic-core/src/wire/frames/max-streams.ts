/** MAX_STREAMS frames (RFC 9000 §19.11), types 0x12 (bidirectional) and 0x13 (unidirectional). */
import type { Reader, Writer } from '@qk/octets';
import { varintSize } from '@qk/octets';
import { readStreamCount } from './codec-util.js';
import { FrameType } from './frame-type.js';

/** Which streams a stream-count frame is about. */
export type StreamDirection = 'bidi' | 'uni';

/** The largest stream count a frame or transport parameter may carry: 2^60 (RFC 9000 §4.6). */
export const MAX_STREAMS = 2 ** 60;

/** A MAX_STREAMS frame. */
export interface MaxStreamsFrame {
  readonly kind: 'maxStreams';
  /** 'bidi' for type 0x12, 'uni' for 0x13. */
  readonly streamType: StreamDirection;
  /** Maximum Streams: the cumulative number of streams of this type the peer may open. */
  readonly maximumStreams: number;
}

/**
 * Decodes a MAX_STREAMS frame after its type (0x12 or 0x13). A count above 2^53 - 1 (and at most 2^60) saturates.
 *
 * @throws TransportError FRAME_ENCODING_ERROR if the count exceeds 2^60 (RFC 9000 §19.11)
 */
export function decodeMaxStreams(r: Reader, type: number = FrameType.MAX_STREAMS_BIDI): MaxStreamsFrame {
  const maximumStreams = readStreamCount(r, type);
  return { kind: 'maxStreams', streamType: type === FrameType.MAX_STREAMS_UNI ? 'uni' : 'bidi', maximumStreams };
}

/** Writes a MAX_STREAMS frame. */
export function encodeMaxStreams(w: Writer, frame: MaxStreamsFrame): void {
  w.writeU8(frame.streamType === 'uni' ? FrameType.MAX_STREAMS_UNI : FrameType.MAX_STREAMS_BIDI);
  w.writeVarint(frame.maximumStreams);
}

/** Encoded size of a MAX_STREAMS frame. */
export function sizeOfMaxStreams(frame: MaxStreamsFrame): number {
  return 1 + varintSize(frame.maximumStreams);
}
