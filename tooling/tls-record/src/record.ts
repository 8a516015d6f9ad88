/**
 * The TLS record framing of RFC 8446 §5.1: content types, the 5-byte record header, size limits, and a deframer
 * that cuts a TCP byte stream into records.
 *
 * ```
 * struct {
 *     ContentType type;
 *     ProtocolVersion legacy_record_version;
 *     uint16 length;
 *     opaque fragment[TLSPlaintext.length];
 * } TLSPlaintext;
 * ```
 *
 * @module
 */
import { Reader, Writer } from '@qk/octets';
import { TlsAlert } from '@qk/tls13';

/** Record content types (RFC 8446 §5.1, IANA "TLS ContentType"), by their RFC names. */
export const ContentType = {
  invalid: 0,
  change_cipher_spec: 20,
  alert: 21,
  handshake: 22,
  application_data: 23,
} as const;

/** A content type's RFC name. */
export type ContentTypeName = keyof typeof ContentType;

/** A content type code point. */
export type ContentTypeCode = (typeof ContentType)[ContentTypeName];

const contentTypeNames = new Map<number, ContentTypeName>(
  Object.entries(ContentType).map(([name, code]) => [code, name as ContentTypeName]),
);

/** The RFC name of content type `code`, or `content_type_<code>` for an unknown one. */
export function contentTypeName(code: number): string {
  return contentTypeNames.get(code) ?? `content_type_${code}`;
}

/** Length of the record header: type (1), legacy_record_version (2), length (2). */
export const RECORD_HEADER_LENGTH = 5;

/** The most plaintext one record may carry: 2^14 bytes (RFC 8446 §5.1). */
export const MAX_PLAINTEXT_LENGTH = 16_384;

/**
 * The most a TLSCiphertext fragment may carry: 2^14 + 256 bytes (RFC 8446 §5.2); more is `record_overflow`.
 */
export const MAX_CIPHERTEXT_LENGTH = MAX_PLAINTEXT_LENGTH + 256;

/** The legacy_record_version of every TLS 1.3 record except, optionally, the first ClientHello (RFC 8446 §5.1). */
export const LEGACY_RECORD_VERSION = 0x0303;

/** The legacy_record_version many stacks put on the initial ClientHello record for compatibility (0x0301). */
export const LEGACY_CLIENT_HELLO_RECORD_VERSION = 0x0301;

/** A record header (the fragment follows it on the wire). */
export interface RecordHeader {
  /** The (outer) content type. */
  readonly contentType: number;
  /** legacy_record_version: ignored on receipt (RFC 8446 §5.1), 0x0303 or 0x0301 when sent. */
  readonly legacyRecordVersion: number;
  /** Length of the fragment in bytes. */
  readonly length: number;
}

/** Reads a record header. Throws `DecodeError` when fewer than 5 bytes remain. */
export function decodeRecordHeader(r: Reader): RecordHeader {
  const contentType = r.readU8();
  const legacyRecordVersion = r.readU16();
  const length = r.readU16();
  return { contentType, legacyRecordVersion, length };
}

/** Writes a record header. Throws `RangeError` for a length over 2^16 - 1. */
export function encodeRecordHeader(w: Writer, header: RecordHeader): void {
  if (!Number.isInteger(header.length) || header.length < 0 || header.length > 0xffff) {
    throw new RangeError(`record length ${header.length} is not a uint16`);
  }
  w.writeU8(header.contentType).writeU16(header.legacyRecordVersion).writeU16(header.length);
}

/** The encoded size of a record header: always 5. */
export function sizeOfRecordHeader(_header: RecordHeader): number {
  return RECORD_HEADER_LENGTH;
}

/** One record as it came off the wire. */
export interface WireRecord {
  /** The header. */
  readonly header: RecordHeader;
  /** The 5 header bytes (the AEAD additional data of a protected record, RFC 8446 §5.2). */
  readonly headerBytes: Uint8Array;
  /** The fragment: a view into the deframer's buffer, valid until the next {@link RecordDeframer.push}. */
  readonly fragment: Uint8Array;
}

/**
 * Writes one unprotected record (TLSPlaintext) carrying `fragment`: header and fragment in one new array.
 * Throws `RangeError` when `fragment` exceeds 2^14 bytes (RFC 8446 §5.1).
 */
export function encodePlaintextRecord(
  contentType: number,
  fragment: Uint8Array,
  legacyRecordVersion: number = LEGACY_RECORD_VERSION,
): Uint8Array {
  if (fragment.length > MAX_PLAINTEXT_LENGTH) {
    throw new RangeError(`a plaintext record carries at most ${MAX_PLAINTEXT_LENGTH} bytes, not ${fragment.length}`);
  }
  const w = new Writer(RECORD_HEADER_LENGTH + fragment.length);
  encodeRecordHeader(w, { contentType, legacyRecordVersion, length: fragment.length });
  w.writeBytes(fragment);
  return w.finish();
}

/**
 * Cuts a byte stream into records. Bytes come in with {@link push} in chunks of any size; {@link next} returns
 * each complete record once. The header's length is checked as soon as the header is in: a record longer than
 * `maxFragmentLength` is refused (`record_overflow`, RFC 8446 §5.2) before its body is buffered, so the deframer
 * never holds more than one maximal record plus one incoming chunk.
 */
export class RecordDeframer {
  #buf = new Uint8Array(0);
  #start = 0;
  #end = 0;
  readonly #maxFragmentLength: number;

  /** @param maxFragmentLength the largest fragment accepted (default 2^14 + 256, the TLSCiphertext limit) */
  constructor(maxFragmentLength: number = MAX_CIPHERTEXT_LENGTH) {
    this.#maxFragmentLength = maxFragmentLength;
  }

  /** Bytes received but not yet returned as records. */
  get buffered(): number {
    return this.#end - this.#start;
  }

  /** Appends received bytes (copied). */
  push(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    const have = this.#end - this.#start;
    if (this.#end + bytes.length <= this.#buf.length) {
      this.#buf.set(bytes, this.#end);
      this.#end += bytes.length;
      return;
    }
    const need = have + bytes.length;
    const next = need <= this.#buf.length ? this.#buf : new Uint8Array(Math.max(need, this.#buf.length * 2, 4096));
    if (next === this.#buf) this.#buf.copyWithin(0, this.#start, this.#end);
    else next.set(this.#buf.subarray(this.#start, this.#end), 0);
    next.set(bytes, have);
    this.#buf = next;
    this.#start = 0;
    this.#end = need;
  }

  /**
   * The next complete record, or `undefined` when more bytes are needed. Throws `TlsAlert` `record_overflow` for
   * an over-long record. The returned views stay valid until the next {@link push}.
   */
  next(): WireRecord | undefined {
    const have = this.#end - this.#start;
    if (have < RECORD_HEADER_LENGTH) return undefined;
    const header = decodeRecordHeader(new Reader(this.#buf, this.#start, this.#end));
    if (header.length > this.#maxFragmentLength) {
      throw new TlsAlert(
        'record_overflow',
        `${contentTypeName(header.contentType)} record of ${header.length} bytes exceeds ${this.#maxFragmentLength}`,
      );
    }
    if (have < RECORD_HEADER_LENGTH + header.length) return undefined;
    const at = this.#start;
    this.#start += RECORD_HEADER_LENGTH + header.length;
    if (this.#start === this.#end) {
      this.#start = 0;
      this.#end = 0;
    }
    return {
      header,
      headerBytes: this.#buf.subarray(at, at + RECORD_HEADER_LENGTH),
      fragment: this.#buf.subarray(at + RECORD_HEADER_LENGTH, at + RECORD_HEADER_LENGTH + header.length),
    };
  }
}
