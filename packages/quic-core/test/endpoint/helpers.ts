/**
 * Shared helpers for the endpoint tests: a seeded crypto provider (deterministic randomness) and builders for the
 * datagrams a router sees.
 */
import { Writer, fromHex } from '@qk/octets';
import type { CryptoProvider } from '@qk/tls13';
import { createNobleProvider } from '@qk/tls13';
import { encodeLongHeader, patchLongHeaderLength } from '../../src/wire/header.js';
import { QuicVersion } from '../../src/versions.js';
import rfc9001 from '../vectors/rfc9001-appendix-a.json' with { type: 'json' };

/** A noble provider whose randomness is a xorshift32 stream from `seed`: reproducible runs. */
export function seededProvider(seed = 0x9e3779b9): CryptoProvider {
  let s = seed >>> 0 || 1;
  return createNobleProvider({
    name: 'seeded-noble',
    random: (out) => {
      for (let i = 0; i < out.length; i++) {
        s ^= s << 13;
        s >>>= 0;
        s ^= s >>> 17;
        s ^= s << 5;
        s >>>= 0;
        out[i] = s & 0xff;
      }
      return out;
    },
  });
}

/** The RFC 9001 §A.2 client Initial: a whole 1200-byte datagram, DCID 8394c8f03e515708, empty SCID and token. */
export const RFC9001_CLIENT_INITIAL = fromHex(rfc9001.clientInitial.protectedPacket.join(''));
/** The RFC 9001 §A.4 Retry packet (DCID empty, SCID f067a5502a4262b5, token "token"). */
export const RFC9001_RETRY = fromHex(rfc9001.retry.packet.join(''));
/** The RFC 9001 §A.5 ChaCha20 short-header packet: 21 bytes, empty DCID. */
export const RFC9001_SHORT = fromHex(rfc9001.chacha20ShortHeader.packet);

/** A long-header packet of a version qk speaks, padded (inside its Length) to a `size`-byte datagram. */
export function longDatagram(fields: {
  readonly packetType?: 'initial' | 'zeroRtt' | 'handshake';
  readonly version?: number;
  readonly dcid: Uint8Array;
  readonly scid?: Uint8Array;
  readonly token?: Uint8Array;
  readonly size?: number;
  readonly fixedBit?: boolean;
}): Uint8Array {
  const size = fields.size ?? 1200;
  const w = new Writer(size);
  const layout = encodeLongHeader(w, {
    packetType: fields.packetType ?? 'initial',
    version: fields.version ?? QuicVersion.v1,
    dcid: fields.dcid,
    scid: fields.scid ?? new Uint8Array(0),
    ...(fields.token === undefined ? {} : { token: fields.token }),
    packetNumber: 0,
    packetNumberLength: 1,
    ...(fields.fixedBit === undefined ? {} : { fixedBit: fields.fixedBit }),
  });
  w.fill(size - w.length, 0xab);
  patchLongHeaderLength(w, layout, size);
  return w.finish();
}

/** A long header of an arbitrary version (only the invariant fields), filled to `size` bytes. */
export function invariantLongDatagram(version: number, dcid: Uint8Array, scid: Uint8Array, size = 1200): Uint8Array {
  const w = new Writer(size);
  w.writeU8(0xc3).writeU32(version >>> 0).writeU8Bytes(dcid).writeU8Bytes(scid);
  if (w.length < size) w.fill(size - w.length, 0x5a);
  return w.finish();
}

/** A short-header datagram of `size` bytes to `dcid`. */
export function shortDatagram(dcid: Uint8Array, size: number, firstByte = 0x41): Uint8Array {
  const out = new Uint8Array(size).fill(0x77);
  out[0] = firstByte;
  out.set(dcid, 1);
  return out;
}
