/**
 * ClientHello, ServerHello and HelloRetryRequest bodies (RFC 8446 §4.1.2 - §4.1.4). A HelloRetryRequest is a
 * ServerHello whose random is {@link HELLO_RETRY_REQUEST_RANDOM}; {@link decodeServerHello} returns either form.
 *
 * Decoders read the message body (after the 4-byte handshake header) and return views into the input.
 *
 * @module
 */
import { type Reader, type Writer, equal } from '@qk/octets';
import { TlsAlert } from '../errors.js';
import { HELLO_RETRY_REQUEST_RANDOM } from '../registry.js';
import { decodeExtensions, encodeExtensions, sizeOfExtensions, type Extension } from './extensions.js';

/** ClientHello (RFC 8446 §4.1.2). */
export interface ClientHello {
  readonly kind: 'client_hello';
  /** Always 0x0303 from TLS 1.3 clients. */
  readonly legacyVersion: number;
  /** 32 random bytes. */
  readonly random: Uint8Array;
  /** 0 to 32 bytes; empty in QUIC (RFC 9001 §8.4). */
  readonly legacySessionId: Uint8Array;
  /** Offered cipher suite code points, in the client's preference order. */
  readonly cipherSuites: readonly number[];
  /** Must be the single byte 0 in TLS 1.3. */
  readonly legacyCompressionMethods: Uint8Array;
  /** Extensions, in wire order (pre_shared_key last when present). */
  readonly extensions: readonly Extension[];
}

/** ServerHello (RFC 8446 §4.1.3), not a HelloRetryRequest. */
export interface ServerHello {
  readonly kind: 'server_hello';
  /** Always 0x0303. */
  readonly legacyVersion: number;
  /** 32 random bytes (never the HelloRetryRequest value). */
  readonly random: Uint8Array;
  /** The ClientHello's legacy_session_id, echoed. */
  readonly legacySessionIdEcho: Uint8Array;
  /** The selected cipher suite. */
  readonly cipherSuite: number;
  /** Must be 0. */
  readonly legacyCompressionMethod: number;
  /** Extensions in wire order. */
  readonly extensions: readonly Extension[];
}

/** HelloRetryRequest (RFC 8446 §4.1.4): a ServerHello with the special random. */
export interface HelloRetryRequest {
  readonly kind: 'hello_retry_request';
  /** Always 0x0303. */
  readonly legacyVersion: number;
  /** The ClientHello's legacy_session_id, echoed. */
  readonly legacySessionIdEcho: Uint8Array;
  /** The selected cipher suite. */
  readonly cipherSuite: number;
  /** Must be 0. */
  readonly legacyCompressionMethod: number;
  /** Extensions in wire order (supported_versions, key_share, cookie). */
  readonly extensions: readonly Extension[];
}

/** Decodes a ClientHello body. Throws {@link TlsAlert} or `DecodeError` (mapped to decode_error by the caller). */
export function decodeClientHello(r: Reader): ClientHello {
  const legacyVersion = r.readU16();
  const random = r.readBytes(32);
  const legacySessionId = r.readU8Bytes();
  if (legacySessionId.length > 32) throw new TlsAlert('decode_error', 'legacy_session_id longer than 32 bytes');
  const suites = r.sub(r.readU16());
  if (suites.remaining < 2 || suites.remaining % 2 !== 0) throw new TlsAlert('decode_error', 'malformed cipher_suites');
  const cipherSuites: number[] = [];
  while (!suites.isEmpty()) cipherSuites.push(suites.readU16());
  const legacyCompressionMethods = r.readU8Bytes();
  if (legacyCompressionMethods.length === 0) throw new TlsAlert('decode_error', 'empty legacy_compression_methods');
  const extensions = r.isEmpty() ? [] : decodeExtensions(r, 'CH');
  r.expectEnd('ClientHello');
  return {
    kind: 'client_hello',
    legacyVersion,
    random,
    legacySessionId,
    cipherSuites,
    legacyCompressionMethods,
    extensions,
  };
}

/** Writes a ClientHello body. */
export function encodeClientHello(w: Writer, ch: ClientHello): void {
  if (ch.random.length !== 32) throw new RangeError('ClientHello.random must be 32 bytes');
  w.writeU16(ch.legacyVersion);
  w.writeBytes(ch.random);
  w.writeU8Bytes(ch.legacySessionId);
  w.writeU16(2 * ch.cipherSuites.length);
  for (const s of ch.cipherSuites) w.writeU16(s);
  w.writeU8Bytes(ch.legacyCompressionMethods);
  encodeExtensions(w, ch.extensions);
}

/** Size of a ClientHello body. */
export function sizeOfClientHello(ch: ClientHello): number {
  return (
    2 +
    32 +
    1 +
    ch.legacySessionId.length +
    2 +
    2 * ch.cipherSuites.length +
    1 +
    ch.legacyCompressionMethods.length +
    sizeOfExtensions(ch.extensions)
  );
}

/** Decodes a ServerHello body into a ServerHello or, by its random, a HelloRetryRequest. */
export function decodeServerHello(r: Reader): ServerHello | HelloRetryRequest {
  const legacyVersion = r.readU16();
  const random = r.readBytes(32);
  const legacySessionIdEcho = r.readU8Bytes();
  if (legacySessionIdEcho.length > 32) throw new TlsAlert('decode_error', 'legacy_session_id_echo longer than 32');
  const cipherSuite = r.readU16();
  const legacyCompressionMethod = r.readU8();
  const retry = equal(random, HELLO_RETRY_REQUEST_RANDOM);
  const extensions = r.isEmpty() ? [] : decodeExtensions(r, retry ? 'HRR' : 'SH');
  r.expectEnd('ServerHello');
  if (retry) {
    return {
      kind: 'hello_retry_request',
      legacyVersion,
      legacySessionIdEcho,
      cipherSuite,
      legacyCompressionMethod,
      extensions,
    };
  }
  return {
    kind: 'server_hello',
    legacyVersion,
    random,
    legacySessionIdEcho,
    cipherSuite,
    legacyCompressionMethod,
    extensions,
  };
}

/** Writes a ServerHello or HelloRetryRequest body. */
export function encodeServerHello(w: Writer, sh: ServerHello | HelloRetryRequest): void {
  const random = sh.kind === 'server_hello' ? sh.random : HELLO_RETRY_REQUEST_RANDOM;
  if (random.length !== 32) throw new RangeError('ServerHello.random must be 32 bytes');
  w.writeU16(sh.legacyVersion);
  w.writeBytes(random);
  w.writeU8Bytes(sh.legacySessionIdEcho);
  w.writeU16(sh.cipherSuite);
  w.writeU8(sh.legacyCompressionMethod);
  encodeExtensions(w, sh.extensions);
}

/** Size of a ServerHello or HelloRetryRequest body. */
export function sizeOfServerHello(sh: ServerHello | HelloRetryRequest): number {
  return 2 + 32 + 1 + sh.legacySessionIdEcho.length + 2 + 1 + sizeOfExtensions(sh.extensions);
}
