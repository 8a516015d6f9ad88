/**
 * PATH_CHALLENGE and PATH_RESPONSE frames (RFC 9000 §19.17, §19.18): 8 bytes of unpredictable data, echoed to
 * validate a path.
 */
import type { Reader, Writer } from '@qk/octets';
import { FrameType } from './frame-type.js';

/** Bytes of data in a PATH_CHALLENGE or PATH_RESPONSE frame. */
export const PATH_DATA_LENGTH = 8;

/** A PATH_CHALLENGE frame. */
export interface PathChallengeFrame {
  readonly kind: 'pathChallenge';
  /** The 8 bytes to be echoed: a view into the packet when decoded. */
  readonly data: Uint8Array;
}

/** A PATH_RESPONSE frame. */
export interface PathResponseFrame {
  readonly kind: 'pathResponse';
  /** The 8 bytes of the PATH_CHALLENGE being answered: a view into the packet when decoded. */
  readonly data: Uint8Array;
}

/** Decodes a PATH_CHALLENGE frame after its type. */
export function decodePathChallenge(r: Reader, _type: number = FrameType.PATH_CHALLENGE): PathChallengeFrame {
  return { kind: 'pathChallenge', data: r.readBytes(PATH_DATA_LENGTH) };
}

/** Decodes a PATH_RESPONSE frame after its type. */
export function decodePathResponse(r: Reader, _type: number = FrameType.PATH_RESPONSE): PathResponseFrame {
  return { kind: 'pathResponse', data: r.readBytes(PATH_DATA_LENGTH) };
}

function checkData(data: Uint8Array): void {
  if (data.length !== PATH_DATA_LENGTH) throw new RangeError(`path validation data must be ${PATH_DATA_LENGTH} bytes`);
}

/** Writes a PATH_CHALLENGE frame. Throws `RangeError` unless the data is 8 bytes. */
export function encodePathChallenge(w: Writer, frame: PathChallengeFrame): void {
  checkData(frame.data);
  w.writeU8(FrameType.PATH_CHALLENGE);
  w.writeBytes(frame.data);
}

/** Writes a PATH_RESPONSE frame. Throws `RangeError` unless the data is 8 bytes. */
export function encodePathResponse(w: Writer, frame: PathResponseFrame): void {
  checkData(frame.data);
  w.writeU8(FrameType.PATH_RESPONSE);
  w.writeBytes(frame.data);
}

/** Encoded size of a PATH_CHALLENGE frame: 9. */
export function sizeOfPathChallenge(_frame: PathChallengeFrame): number {
  return 1 + PATH_DATA_LENGTH;
}

/** Encoded size of a PATH_RESPONSE frame: 9. */
export function sizeOfPathResponse(_frame: PathResponseFrame): number {
  return 1 + PATH_DATA_LENGTH;
}
