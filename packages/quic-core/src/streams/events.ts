import type { StreamDirection } from './stream-id.js';

/**
 * Stream events. They are hints: data moves only when the application pulls it with `readStream`, so flow-control
 * credit follows consumption. Each is reported once per change (edge-triggered).
 */
export type StreamEvent =
  /** The peer opened a stream (its first frame arrived, or a later stream of the same kind did). */
  | { readonly kind: 'streamOpened'; readonly streamId: number; readonly direction: StreamDirection }
  /** New data, the end of the stream, or a reset can be read with `readStream`. */
  | { readonly kind: 'streamReadable'; readonly streamId: number }
  /** Flow-control credit arrived for a stream whose last write was cut short. */
  | { readonly kind: 'streamWritable'; readonly streamId: number }
  /** The peer reset its sending part (RESET_STREAM) with `errorCode`. */
  | { readonly kind: 'streamReset'; readonly streamId: number; readonly errorCode: number }
  /** The peer asked us to stop sending (STOP_SENDING); qk has answered with RESET_STREAM carrying the same code. */
  | { readonly kind: 'streamStopped'; readonly streamId: number; readonly errorCode: number }
  /** The peer raised its stream limit after `openStream` returned undefined. */
  | { readonly kind: 'streamsAvailable'; readonly direction: StreamDirection };
