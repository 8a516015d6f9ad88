/** NEW_TOKEN frames (RFC 9000 §19.7): a server gives the client a token for the Initial of a later connection. */
import type { Reader, Writer } from '@qk/octets';
import { varintSize } from '@qk/octets';
import { frameEncodingError } from './codec-util.js';
import { FrameType } from './frame-type.js';

/** A NEW_TOKEN frame. */
export interface NewTokenFrame {
  readonly kind: 'newToken';
  /** The opaque token (never empty): a view into the packet when decoded. */
  readonly token: Uint8Array;
}

/**
 * Decodes a NEW_TOKEN frame after its type.
 *
 * @throws TransportError FRAME_ENCODING_ERROR if the token is empty (RFC 9000 §19.7)
 */
export function decodeNewToken(r: Reader, type: number = FrameType.NEW_TOKEN): NewTokenFrame {
  const token = r.readVarintBytes();
  if (token.length === 0) throw frameEncodingError(type, 'empty NEW_TOKEN token');
  return { kind: 'newToken', token };
}

/** Writes a NEW_TOKEN frame. Throws `RangeError` for an empty token. */
export function encodeNewToken(w: Writer, frame: NewTokenFrame): void {
  if (frame.token.length === 0) throw new RangeError('a NEW_TOKEN token must not be empty');
  w.writeU8(FrameType.NEW_TOKEN);
  w.writeVarintBytes(frame.token);
}

/** Encoded size of a NEW_TOKEN frame. */
export function sizeOfNewToken(frame: NewTokenFrame): number {
  return 1 + varintSize(frame.token.length) + frame.token.length;
}
