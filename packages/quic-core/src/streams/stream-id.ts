/** Who opened a stream. */
export type StreamInitiator = 'client' | 'server';
/** Bidirectional or unidirectional. */
export type StreamDirection = 'bidi' | 'uni';

/**
 * The stream ID for the `index`-th stream of a kind: the two low bits say who opened it and which direction it
 * has (RFC 9000 §2.1).
 */
export function streamId(initiator: StreamInitiator, direction: StreamDirection, index: number): number {
  return index * 4 + (initiator === 'server' ? 1 : 0) + (direction === 'uni' ? 2 : 0);
}

/** Who opened stream `id`. */
export function streamInitiator(id: number): StreamInitiator {
  return id % 2 === 0 ? 'client' : 'server';
}

/** The direction of stream `id`. */
export function streamDirection(id: number): StreamDirection {
  return Math.floor(id / 2) % 2 === 0 ? 'bidi' : 'uni';
}

/** The index of stream `id` among the streams of its kind. */
export function streamIndex(id: number): number {
  return Math.floor(id / 4);
}
