/**
 * Record payload protection (RFC 8446 §5.2-§5.4): TLSInnerPlaintext with its real content type and zero padding,
 * the per-record nonce (§5.3: the 64-bit sequence number, left-padded to the IV length, XORed with the IV), and the
 * record header as additional data.
 *
 * ```
 * struct {
 *     opaque content[TLSPlaintext.length];
 *     ContentType type;
 *     uint8 zeros[length_of_padding];
 * } TLSInnerPlaintext;
 *
 * struct {
 *     ContentType opaque_type = application_data; // 23
 *     ProtocolVersion legacy_record_version = 0x0303;
 *     uint16 length;
 *     opaque encrypted_record[TLSCiphertext.length];
 * } TLSCiphertext;
 * ```
 *
 * @module
 */
import type { Aead } from '@qk/tls13';
import { TlsAlert } from '@qk/tls13';
import {
  ContentType,
  LEGACY_RECORD_VERSION,
  MAX_CIPHERTEXT_LENGTH,
  MAX_PLAINTEXT_LENGTH,
  RECORD_HEADER_LENGTH,
} from './record.js';

/** Sequence numbers are kept exact in a `number`; a connection that reaches 2^53 records must rekey or close. */
const MAX_SEQUENCE_NUMBER = Number.MAX_SAFE_INTEGER;
const TWO_POW_32 = 0x1_0000_0000;

/** A decrypted record: the real content type from TLSInnerPlaintext and the content without padding. */
export interface OpenedRecord {
  /** The inner content type (handshake, alert or application_data). */
  readonly contentType: number;
  /** The content, a view into the freshly decrypted plaintext. */
  readonly content: Uint8Array;
}

/**
 * The record protection of one direction under one traffic secret: an AEAD with its key bound, the IV, and the
 * sequence number, which starts at 0 for every new key (RFC 8446 §5.3) and counts each record sealed or opened.
 *
 * @example
 * const protect = new RecordProtection(provider.aead('aes-128-gcm', key), iv);
 * socket.write(protect.seal(ContentType.application_data, data));
 */
export class RecordProtection {
  readonly #aead: Aead;
  readonly #iv: Uint8Array;
  #seq: number;

  /**
   * @param aead the AEAD with the traffic key bound
   * @param iv the traffic IV (12 bytes for every TLS 1.3 suite; at least 8 per RFC 8446 §5.3)
   * @param sequenceNumber the first record's sequence number (0 for a fresh key; tests start elsewhere)
   */
  constructor(aead: Aead, iv: Uint8Array, sequenceNumber = 0) {
    if (iv.length < 8) throw new RangeError(`iv must be at least 8 bytes, not ${iv.length}`);
    if (!Number.isSafeInteger(sequenceNumber) || sequenceNumber < 0) {
      throw new RangeError(`sequenceNumber must be a non-negative safe integer, not ${sequenceNumber}`);
    }
    this.#aead = aead;
    this.#iv = iv.slice();
    this.#seq = sequenceNumber;
  }

  /** The sequence number the next record will use. */
  get sequenceNumber(): number {
    return this.#seq;
  }

  /** The AEAD's tag length (16 for every TLS 1.3 suite). */
  get tagLength(): number {
    return this.#aead.tagLength;
  }

  /** The per-record nonce of RFC 8446 §5.3 for the current sequence number (which does not advance here). */
  #nonce(): Uint8Array {
    const seq = this.#seq;
    if (seq >= MAX_SEQUENCE_NUMBER) {
      throw new TlsAlert('internal_error', 'record sequence number exhausted: the connection must close');
    }
    const nonce = this.#iv.slice();
    const n = nonce.length;
    const high = Math.floor(seq / TWO_POW_32);
    const low = seq >>> 0;
    nonce[n - 1]! ^= low & 0xff;
    nonce[n - 2]! ^= (low >>> 8) & 0xff;
    nonce[n - 3]! ^= (low >>> 16) & 0xff;
    nonce[n - 4]! ^= low >>> 24;
    nonce[n - 5]! ^= high & 0xff;
    nonce[n - 6]! ^= (high >>> 8) & 0xff;
    nonce[n - 7]! ^= (high >>> 16) & 0xff;
    nonce[n - 8]! ^= high >>> 24;
    return nonce;
  }

  /**
   * Seals `content` of type `contentType` into a complete TLSCiphertext record (header included), with
   * `paddingLength` zero bytes of padding. Throws `RangeError` when content plus padding would exceed 2^14 + 1
   * bytes of TLSInnerPlaintext.
   */
  seal(contentType: number, content: Uint8Array, paddingLength = 0): Uint8Array {
    const innerLength = content.length + 1 + paddingLength;
    if (!Number.isInteger(paddingLength) || paddingLength < 0 || innerLength > MAX_PLAINTEXT_LENGTH + 1) {
      throw new RangeError(
        `TLSInnerPlaintext of ${content.length} content + 1 + ${paddingLength} padding bytes exceeds 2^14 + 1`,
      );
    }
    const inner = new Uint8Array(innerLength); // the padding is the zeros already there
    inner.set(content, 0);
    inner[content.length] = contentType;
    const length = innerLength + this.#aead.tagLength;
    const header = new Uint8Array(RECORD_HEADER_LENGTH);
    header[0] = ContentType.application_data;
    header[1] = LEGACY_RECORD_VERSION >>> 8;
    header[2] = LEGACY_RECORD_VERSION & 0xff;
    header[3] = length >>> 8;
    header[4] = length & 0xff;
    const sealed = this.#aead.seal(this.#nonce(), header, inner);
    this.#seq++;
    const record = new Uint8Array(RECORD_HEADER_LENGTH + sealed.length);
    record.set(header, 0);
    record.set(sealed, RECORD_HEADER_LENGTH);
    return record;
  }

  /**
   * Opens a protected record given its 5 header bytes (the additional data) and its fragment. Throws `TlsAlert`:
   * `record_overflow` for a fragment over 2^14 + 256 bytes or a TLSInnerPlaintext over 2^14 + 1 bytes,
   * `bad_record_mac` when authentication fails, `unexpected_message` when the plaintext is all zeros (no content
   * type, RFC 8446 §5.4). A record that fails authentication does not consume a sequence number, so a server
   * skipping rejected early data (RFC 8446 §4.2.10) can try the next record under the same number.
   */
  open(headerBytes: Uint8Array, fragment: Uint8Array): OpenedRecord {
    if (fragment.length > MAX_CIPHERTEXT_LENGTH) {
      throw new TlsAlert('record_overflow', `protected record of ${fragment.length} bytes exceeds 2^14 + 256`);
    }
    if (fragment.length < this.#aead.tagLength) {
      throw new TlsAlert('bad_record_mac', `protected record of ${fragment.length} bytes is shorter than its tag`);
    }
    const inner = this.#aead.open(this.#nonce(), headerBytes, fragment);
    if (inner === undefined) throw new TlsAlert('bad_record_mac', 'record authentication failed');
    this.#seq++; // only an authenticated record consumes a sequence number
    if (inner.length > MAX_PLAINTEXT_LENGTH + 1) {
      throw new TlsAlert('record_overflow', `TLSInnerPlaintext of ${inner.length} bytes exceeds 2^14 + 1`);
    }
    let i = inner.length - 1;
    while (i >= 0 && inner[i] === 0) i--;
    if (i < 0) throw new TlsAlert('unexpected_message', 'protected record has no non-zero content type');
    return { contentType: inner[i]!, content: inner.subarray(0, i) };
  }
}
