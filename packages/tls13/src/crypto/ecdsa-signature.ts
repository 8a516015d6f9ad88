/**
 * The DER `Ecdsa-Sig-Value` (RFC 3279 §2.2.3, used by TLS 1.3 §4.2.3 and X.509):
 * `SEQUENCE { r INTEGER, s INTEGER }`, converted to and from the fixed-size `r || s` form libraries compute with.
 *
 * Decoding is strict DER: minimal lengths, minimal positive INTEGERs, no trailing bytes. A BER-ish or padded
 * encoding is a different byte string for the same signature, which TLS and X.509 must not accept.
 *
 * @module
 */
import { DecodeError, Reader, Writer } from '@qk/octets';

const TAG_SEQUENCE = 0x30;
const TAG_INTEGER = 0x02;

function readDerLength(r: Reader): number {
  const first = r.readU8();
  if (first < 0x80) return first;
  if (first === 0x81) {
    const len = r.readU8();
    if (len < 0x80) throw new DecodeError('DER length not minimal');
    return len;
  }
  // Two-byte lengths and beyond cannot occur for the curves qk supports (an ECDSA signature is < 256 bytes).
  throw new DecodeError('DER length too long for an ECDSA signature');
}

function writeDerLength(w: Writer, len: number): void {
  if (len < 0x80) w.writeU8(len);
  else w.writeU8(0x81).writeU8(len);
}

/** Reads a DER INTEGER that must be positive and minimally encoded; returns its magnitude without a 0x00 pad. */
function readPositiveInteger(r: Reader): Uint8Array {
  if (r.readU8() !== TAG_INTEGER) throw new DecodeError('expected a DER INTEGER');
  const len = readDerLength(r);
  if (len === 0) throw new DecodeError('empty DER INTEGER');
  const v = r.readBytes(len);
  if ((v[0]! & 0x80) !== 0) throw new DecodeError('negative DER INTEGER');
  if (v[0] === 0) {
    if (len === 1) return v.subarray(1); // zero: rejected by the range check of the caller
    if ((v[1]! & 0x80) === 0) throw new DecodeError('DER INTEGER not minimal');
    return v.subarray(1);
  }
  return v;
}

/**
 * Decodes a strict-DER ECDSA signature into `r || s`, each left-padded to `size` bytes (the curve order's length).
 * Throws {@link DecodeError} for malformed or non-canonical DER, or for `r` or `s` longer than `size` or zero.
 */
export function decodeEcdsaSignature(der: Uint8Array, size: number): Uint8Array {
  const outer = new Reader(der);
  if (outer.readU8() !== TAG_SEQUENCE) throw new DecodeError('expected a DER SEQUENCE');
  const body = outer.sub(readDerLength(outer));
  outer.expectEnd('ECDSA signature');
  const r = readPositiveInteger(body);
  const s = readPositiveInteger(body);
  body.expectEnd('Ecdsa-Sig-Value');
  if (r.length > size || s.length > size) throw new DecodeError('ECDSA signature component too long');
  if (r.length === 0 || s.length === 0) throw new DecodeError('ECDSA signature component is zero');
  const out = new Uint8Array(2 * size);
  out.set(r, size - r.length);
  out.set(s, 2 * size - s.length);
  return out;
}

/** Bytes of the minimal DER INTEGER body for the unsigned big-endian `v` (leading zeros stripped, 0x00 pad). */
function integerBody(v: Uint8Array): { readonly start: number; readonly pad: number; readonly len: number } {
  let start = 0;
  while (start < v.length - 1 && v[start] === 0) start++;
  const pad = (v[start]! & 0x80) !== 0 ? 1 : 0;
  return { start, pad, len: v.length - start + pad };
}

/** Encodes `r || s` (two equal halves) as a DER `Ecdsa-Sig-Value`. */
export function encodeEcdsaSignature(rs: Uint8Array): Uint8Array {
  if (rs.length === 0 || rs.length % 2 !== 0) throw new RangeError('ECDSA r || s must have two equal halves');
  const half = rs.length / 2;
  const r = rs.subarray(0, half);
  const s = rs.subarray(half);
  const ri = integerBody(r);
  const si = integerBody(s);
  const bodyLen = 2 + ri.len + 2 + si.len; // lengths < 128 for every curve here
  const w = new Writer(bodyLen + 3);
  w.writeU8(TAG_SEQUENCE);
  writeDerLength(w, bodyLen);
  for (const [v, info] of [[r, ri], [s, si]] as const) {
    w.writeU8(TAG_INTEGER);
    writeDerLength(w, info.len);
    if (info.pad) w.writeU8(0);
    w.writeBytes(v.subarray(info.start));
  }
  return w.finish();
}
