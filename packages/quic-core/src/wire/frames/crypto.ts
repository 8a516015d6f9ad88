/** CRYPTO frames (RFC 9000 §19.6): handshake bytes at an offset of the encryption level's crypto stream. */
import type { Reader, Writer } from '@qk/octets';
import { varintSize } from '@qk/octets';
import { MAX_VARINT_BIG, SATURATED, exactVarint, frameEncodingError } from './codec-util.js';
import { FrameType } from './frame-type.js';

/** A CRYPTO frame. */
export interface CryptoFrame {
  readonly kind: 'crypto';
  /** Byte offset of `data` in the crypto stream. */
  readonly offset: number;
  /** Crypto Data: a view into the packet when decoded. */
  readonly data: Uint8Array;
}

/**
 * Decodes a CRYPTO frame after its type.
 *
 * @throws TransportError FRAME_ENCODING_ERROR if offset + length exceeds 2^62 - 1 (RFC 9000 §19.6)
 */
export function decodeCrypto(r: Reader, type: number = FrameType.CRYPTO): CryptoFrame {
  const offsetStart = r.offset;
  const offset = r.readVarint();
  const saturated = offset === SATURATED;
  const offsetEnd = r.offset;
  const data = r.readVarintBytes();
  if (saturated && exactVarint(r.buffer, offsetStart, offsetEnd) + BigInt(data.length) > MAX_VARINT_BIG) {
    throw frameEncodingError(type, 'CRYPTO data ends beyond 2^62 - 1');
  }
  return { kind: 'crypto', offset, data };
}

/** Writes a CRYPTO frame. */
export function encodeCrypto(w: Writer, frame: CryptoFrame): void {
  w.writeU8(FrameType.CRYPTO);
  w.writeVarint(frame.offset);
  w.writeVarintBytes(frame.data);
}

/** Encoded size of a CRYPTO frame. */
export function sizeOfCrypto(frame: CryptoFrame): number {
  return 1 + varintSize(frame.offset) + varintSize(frame.data.length) + frame.data.length;
}

/** Bytes a CRYPTO frame at `offset` spends on everything but `dataLength` bytes of data (for packet builders). */
export function cryptoFrameOverhead(offset: number, dataLength: number): number {
  return 1 + varintSize(offset) + varintSize(dataLength);
}
