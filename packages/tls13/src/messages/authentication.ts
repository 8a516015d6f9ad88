/**
 * Authentication and parameter messages: EncryptedExtensions (RFC 8446 §4.3.1), CertificateRequest (§4.3.2),
 * Certificate (§4.4.2), CertificateVerify (§4.4.3), Finished (§4.4.4) and EndOfEarlyData (§4.5).
 *
 * @module
 */
import { type Reader, type Writer } from '@qk/octets';
import { TlsAlert } from '../errors.js';
import { decodeExtensions, encodeExtensions, sizeOfExtensions, type Extension } from './extensions.js';

/** EncryptedExtensions (RFC 8446 §4.3.1). */
export interface EncryptedExtensions {
  readonly kind: 'encrypted_extensions';
  /** Extensions in wire order. */
  readonly extensions: readonly Extension[];
}

/** CertificateRequest (RFC 8446 §4.3.2). */
export interface CertificateRequest {
  readonly kind: 'certificate_request';
  /** Empty during the handshake; echoed in the client's Certificate. */
  readonly context: Uint8Array;
  /** Extensions; signature_algorithms is mandatory. */
  readonly extensions: readonly Extension[];
}

/** One CertificateEntry (RFC 8446 §4.4.2): an X.509 certificate (DER) and its per-entry extensions. */
export interface CertificateEntry {
  /** The DER certificate. */
  readonly data: Uint8Array;
  /** Per-certificate extensions (e.g. status_request, signed_certificate_timestamp). */
  readonly extensions: readonly Extension[];
}

/** Certificate (RFC 8446 §4.4.2). */
export interface Certificate {
  readonly kind: 'certificate';
  /** certificate_request_context: empty for the server; the CertificateRequest's for the client. */
  readonly context: Uint8Array;
  /** The chain, leaf first. May be empty only for a client that has no certificate. */
  readonly entries: readonly CertificateEntry[];
}

/** CertificateVerify (RFC 8446 §4.4.3). */
export interface CertificateVerify {
  readonly kind: 'certificate_verify';
  /** SignatureScheme code point. */
  readonly scheme: number;
  /** The signature. */
  readonly signature: Uint8Array;
}

/** Finished (RFC 8446 §4.4.4). */
export interface Finished {
  readonly kind: 'finished';
  /** HMAC over the transcript, Hash.length bytes (the engine checks the length). */
  readonly verifyData: Uint8Array;
}

/** EndOfEarlyData (RFC 8446 §4.5): empty; never sent in QUIC (RFC 9001 §8.3). */
export interface EndOfEarlyData {
  readonly kind: 'end_of_early_data';
}

/** Decodes an EncryptedExtensions body. */
export function decodeEncryptedExtensions(r: Reader): EncryptedExtensions {
  const extensions = decodeExtensions(r, 'EE');
  r.expectEnd('EncryptedExtensions');
  return { kind: 'encrypted_extensions', extensions };
}

/** Writes an EncryptedExtensions body. */
export function encodeEncryptedExtensions(w: Writer, m: EncryptedExtensions): void {
  encodeExtensions(w, m.extensions);
}

/** Size of an EncryptedExtensions body. */
export function sizeOfEncryptedExtensions(m: EncryptedExtensions): number {
  return sizeOfExtensions(m.extensions);
}

/** Decodes a CertificateRequest body. */
export function decodeCertificateRequest(r: Reader): CertificateRequest {
  const context = r.readU8Bytes();
  const extensions = decodeExtensions(r, 'CR');
  r.expectEnd('CertificateRequest');
  return { kind: 'certificate_request', context, extensions };
}

/** Writes a CertificateRequest body. */
export function encodeCertificateRequest(w: Writer, m: CertificateRequest): void {
  w.writeU8Bytes(m.context);
  encodeExtensions(w, m.extensions);
}

/** Size of a CertificateRequest body. */
export function sizeOfCertificateRequest(m: CertificateRequest): number {
  return 1 + m.context.length + sizeOfExtensions(m.extensions);
}

/** Decodes a Certificate body. */
export function decodeCertificate(r: Reader): Certificate {
  const context = r.readU8Bytes();
  const list = r.sub(r.readU24());
  const entries: CertificateEntry[] = [];
  while (!list.isEmpty()) {
    const data = list.readU24Bytes();
    if (data.length === 0) throw new TlsAlert('decode_error', 'empty cert_data');
    entries.push({ data, extensions: decodeExtensions(list, 'CT') });
  }
  r.expectEnd('Certificate');
  return { kind: 'certificate', context, entries };
}

/** Writes a Certificate body. */
export function encodeCertificate(w: Writer, m: Certificate): void {
  w.writeU8Bytes(m.context);
  w.withLength(3, () => {
    for (const e of m.entries) {
      w.writeU24Bytes(e.data);
      encodeExtensions(w, e.extensions);
    }
  });
}

/** Size of a Certificate body. */
export function sizeOfCertificate(m: Certificate): number {
  let n = 1 + m.context.length + 3;
  for (const e of m.entries) n += 3 + e.data.length + sizeOfExtensions(e.extensions);
  return n;
}

/** Decodes a CertificateVerify body. */
export function decodeCertificateVerify(r: Reader): CertificateVerify {
  const scheme = r.readU16();
  const signature = r.readU16Bytes();
  r.expectEnd('CertificateVerify');
  return { kind: 'certificate_verify', scheme, signature };
}

/** Writes a CertificateVerify body. */
export function encodeCertificateVerify(w: Writer, m: CertificateVerify): void {
  w.writeU16(m.scheme);
  w.writeU16Bytes(m.signature);
}

/** Size of a CertificateVerify body. */
export function sizeOfCertificateVerify(m: CertificateVerify): number {
  return 4 + m.signature.length;
}

/** Decodes a Finished body (the whole body is verify_data). */
export function decodeFinished(r: Reader): Finished {
  const verifyData = r.rest();
  if (verifyData.length === 0) throw new TlsAlert('decode_error', 'empty Finished');
  return { kind: 'finished', verifyData };
}

/** Writes a Finished body. */
export function encodeFinished(w: Writer, m: Finished): void {
  w.writeBytes(m.verifyData);
}

/** Size of a Finished body. */
export function sizeOfFinished(m: Finished): number {
  return m.verifyData.length;
}

/** Decodes an EndOfEarlyData body (must be empty). */
export function decodeEndOfEarlyData(r: Reader): EndOfEarlyData {
  r.expectEnd('EndOfEarlyData');
  return { kind: 'end_of_early_data' };
}

/** Writes an EndOfEarlyData body (nothing). */
export function encodeEndOfEarlyData(_w: Writer, _m: EndOfEarlyData): void {}

/** Size of an EndOfEarlyData body: 0. */
export function sizeOfEndOfEarlyData(_m: EndOfEarlyData): number {
  return 0;
}
