/**
 * Handshake message framing (RFC 8446 §4: `HandshakeType msg_type; uint24 length; body`), the union of every
 * message, and the bounded reassembler that turns a level's CRYPTO byte stream into whole messages.
 *
 * @module
 */
import { DecodeError, Reader, type Writer } from '@qk/octets';
import { TlsAlert } from '../errors.js';
import { HandshakeType, handshakeTypeName } from '../registry.js';
import {
  decodeCertificate,
  decodeCertificateRequest,
  decodeCertificateVerify,
  decodeEncryptedExtensions,
  decodeEndOfEarlyData,
  decodeFinished,
  encodeCertificate,
  encodeCertificateRequest,
  encodeCertificateVerify,
  encodeEncryptedExtensions,
  encodeFinished,
  sizeOfCertificate,
  sizeOfCertificateRequest,
  sizeOfCertificateVerify,
  sizeOfEncryptedExtensions,
  sizeOfFinished,
  type Certificate,
  type CertificateRequest,
  type CertificateVerify,
  type EncryptedExtensions,
  type EndOfEarlyData,
  type Finished,
} from './authentication.js';
import {
  decodeClientHello,
  decodeServerHello,
  encodeClientHello,
  encodeServerHello,
  sizeOfClientHello,
  sizeOfServerHello,
  type ClientHello,
  type HelloRetryRequest,
  type ServerHello,
} from './hello.js';
import {
  decodeKeyUpdate,
  decodeNewSessionTicket,
  encodeKeyUpdate,
  encodeNewSessionTicket,
  sizeOfKeyUpdate,
  sizeOfNewSessionTicket,
  type KeyUpdate,
  type NewSessionTicket,
} from './post-handshake.js';

/** Every TLS 1.3 handshake message, discriminated on `kind`. */
export type HandshakeMessage =
  | ClientHello
  | ServerHello
  | HelloRetryRequest
  | EncryptedExtensions
  | CertificateRequest
  | Certificate
  | CertificateVerify
  | Finished
  | EndOfEarlyData
  | NewSessionTicket
  | KeyUpdate;

/** The HandshakeType code of `msg`. */
export function handshakeTypeOf(msg: HandshakeMessage): number {
  switch (msg.kind) {
    case 'client_hello':
      return HandshakeType.client_hello;
    case 'server_hello':
    case 'hello_retry_request':
      return HandshakeType.server_hello;
    case 'encrypted_extensions':
      return HandshakeType.encrypted_extensions;
    case 'certificate_request':
      return HandshakeType.certificate_request;
    case 'certificate':
      return HandshakeType.certificate;
    case 'certificate_verify':
      return HandshakeType.certificate_verify;
    case 'finished':
      return HandshakeType.finished;
    case 'end_of_early_data':
      return HandshakeType.end_of_early_data;
    case 'new_session_ticket':
      return HandshakeType.new_session_ticket;
    case 'key_update':
      return HandshakeType.key_update;
  }
}

function bodySize(msg: HandshakeMessage): number {
  switch (msg.kind) {
    case 'client_hello':
      return sizeOfClientHello(msg);
    case 'server_hello':
    case 'hello_retry_request':
      return sizeOfServerHello(msg);
    case 'encrypted_extensions':
      return sizeOfEncryptedExtensions(msg);
    case 'certificate_request':
      return sizeOfCertificateRequest(msg);
    case 'certificate':
      return sizeOfCertificate(msg);
    case 'certificate_verify':
      return sizeOfCertificateVerify(msg);
    case 'finished':
      return sizeOfFinished(msg);
    case 'end_of_early_data':
      return 0;
    case 'new_session_ticket':
      return sizeOfNewSessionTicket(msg);
    case 'key_update':
      return sizeOfKeyUpdate(msg);
  }
}

function writeBody(w: Writer, msg: HandshakeMessage): void {
  switch (msg.kind) {
    case 'client_hello':
      return encodeClientHello(w, msg);
    case 'server_hello':
    case 'hello_retry_request':
      return encodeServerHello(w, msg);
    case 'encrypted_extensions':
      return encodeEncryptedExtensions(w, msg);
    case 'certificate_request':
      return encodeCertificateRequest(w, msg);
    case 'certificate':
      return encodeCertificate(w, msg);
    case 'certificate_verify':
      return encodeCertificateVerify(w, msg);
    case 'finished':
      return encodeFinished(w, msg);
    case 'end_of_early_data':
      return;
    case 'new_session_ticket':
      return encodeNewSessionTicket(w, msg);
    case 'key_update':
      return encodeKeyUpdate(w, msg);
  }
}

/** Writes `msg` with its handshake header (type, u24 length). */
export function encodeHandshakeMessage(w: Writer, msg: HandshakeMessage): void {
  const size = bodySize(msg);
  if (size > 0xff_ffff) throw new RangeError(`handshake message of ${size} bytes exceeds 2^24-1`);
  w.writeU8(handshakeTypeOf(msg));
  w.writeU24(size);
  writeBody(w, msg);
}

/** Encoded size of `msg`, header included. */
export function sizeOfHandshakeMessage(msg: HandshakeMessage): number {
  return 4 + bodySize(msg);
}

/**
 * Decodes the body of a handshake message of type `type`. Malformed input throws {@link TlsAlert} only
 * (decode_error, illegal_parameter); an unknown or non-TLS-1.3 type is unexpected_message.
 */
export function decodeHandshakeBody(type: number, body: Uint8Array): HandshakeMessage {
  try {
    const r = new Reader(body);
    switch (type) {
      case HandshakeType.client_hello:
        return decodeClientHello(r);
      case HandshakeType.server_hello:
        return decodeServerHello(r);
      case HandshakeType.encrypted_extensions:
        return decodeEncryptedExtensions(r);
      case HandshakeType.certificate_request:
        return decodeCertificateRequest(r);
      case HandshakeType.certificate:
        return decodeCertificate(r);
      case HandshakeType.certificate_verify:
        return decodeCertificateVerify(r);
      case HandshakeType.finished:
        return decodeFinished(r);
      case HandshakeType.end_of_early_data:
        return decodeEndOfEarlyData(r);
      case HandshakeType.new_session_ticket:
        return decodeNewSessionTicket(r);
      case HandshakeType.key_update:
        return decodeKeyUpdate(r);
      default:
        throw new TlsAlert('unexpected_message', `unexpected ${handshakeTypeName(type)} message`);
    }
  } catch (e) {
    if (e instanceof DecodeError) {
      throw new TlsAlert('decode_error', `malformed ${handshakeTypeName(type)}: ${e.message}`, { cause: e });
    }
    throw e;
  }
}

/**
 * Decodes one complete handshake message (header included) and checks that nothing follows it.
 *
 * @example
 * const msg = decodeHandshakeMessage(fromHex('14000020' + verifyDataHex)); // { kind: 'finished', ... }
 */
export function decodeHandshakeMessage(bytes: Uint8Array): HandshakeMessage {
  if (bytes.length < 4) throw new TlsAlert('decode_error', 'truncated handshake header');
  const len = (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!;
  if (bytes.length !== 4 + len) throw new TlsAlert('decode_error', 'handshake length does not match the message');
  return decodeHandshakeBody(bytes[0]!, bytes.subarray(4));
}

/** Size limits on one incoming handshake message (header excluded). */
export interface HandshakeLimits {
  /** Any message but Certificate. Default 65536. */
  readonly maxMessageSize: number;
  /** Certificate messages (chains can be long). Default 262144. */
  readonly maxCertificateSize: number;
}

/** 64 KiB per message, 256 KiB for a Certificate. */
export const defaultHandshakeLimits: HandshakeLimits = Object.freeze({
  maxMessageSize: 64 * 1024,
  maxCertificateSize: 256 * 1024,
});

/** One framed handshake message as it arrived. */
export interface RawHandshakeMessage {
  /** HandshakeType code. */
  readonly type: number;
  /** The body (a view). */
  readonly body: Uint8Array;
  /** Header and body (a view): what the transcript hashes. */
  readonly raw: Uint8Array;
}

const EMPTY = new Uint8Array(0);

/**
 * Reassembles handshake messages from a byte stream delivered in arbitrary pieces. Complete messages come back
 * as views into the input; call {@link HandshakeAssembler.retain} before the input may change so that a partial
 * message left over is copied. A message whose header announces more than the limit is rejected
 * (`illegal_parameter`) before any of its body is buffered, so at most 4 + limit bytes are ever held.
 */
export class HandshakeAssembler {
  #buf: Uint8Array = EMPTY;
  #pos = 0;
  readonly #limits: HandshakeLimits;

  constructor(limits: HandshakeLimits = defaultHandshakeLimits) {
    this.#limits = limits;
  }

  /** Adds bytes (in stream order). */
  append(data: Uint8Array): void {
    if (data.length === 0) return;
    if (this.#pos >= this.#buf.length) {
      this.#buf = data;
    } else {
      const left = this.#buf.length - this.#pos;
      const next = new Uint8Array(left + data.length);
      next.set(this.#buf.subarray(this.#pos), 0);
      next.set(data, left);
      this.#buf = next;
    }
    this.#pos = 0;
    this.#checkHeader();
  }

  #checkHeader(): void {
    const at = this.#pos;
    if (this.#buf.length - at < 4) return;
    const type = this.#buf[at]!;
    const len = (this.#buf[at + 1]! << 16) | (this.#buf[at + 2]! << 8) | this.#buf[at + 3]!;
    const limit = type === HandshakeType.certificate ? this.#limits.maxCertificateSize : this.#limits.maxMessageSize;
    if (len > limit) {
      throw new TlsAlert('illegal_parameter', `${handshakeTypeName(type)} of ${len} bytes exceeds the limit ${limit}`);
    }
  }

  /** The next complete message, or `undefined` until more bytes arrive. */
  next(): RawHandshakeMessage | undefined {
    const at = this.#pos;
    const avail = this.#buf.length - at;
    if (avail < 4) return undefined;
    this.#checkHeader();
    const len = (this.#buf[at + 1]! << 16) | (this.#buf[at + 2]! << 8) | this.#buf[at + 3]!;
    if (avail < 4 + len) return undefined;
    const raw = this.#buf.subarray(at, at + 4 + len);
    this.#pos = at + 4 + len;
    if (this.#pos >= this.#buf.length) {
      this.#buf = EMPTY;
      this.#pos = 0;
    }
    return { type: raw[0]!, body: raw.subarray(4), raw };
  }

  /** Bytes held that do not yet form a complete message. */
  get buffered(): number {
    return this.#buf.length - this.#pos;
  }

  /** Copies any partial message so the caller's input buffer may be reused. */
  retain(): void {
    if (this.#pos >= this.#buf.length) {
      this.#buf = EMPTY;
      this.#pos = 0;
      return;
    }
    this.#checkHeader();
    this.#buf = this.#buf.slice(this.#pos);
    this.#pos = 0;
  }
}
